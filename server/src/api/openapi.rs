//! The channel API's OpenAPI document, generated from the handlers and the shared types
//! (utoipa) and served at `GET /api/v1/openapi.json`, so a POS or web-shop team can generate a
//! client or read the contract.

use axum::Json;
use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    Modify, OpenApi,
};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "custsync channel API",
        version = "1",
        description = "Stores and web shops send customer creates and edits (with a temporary \
            async account, a GUID) and read back the real customers from the 1010 feed. Each \
            channel authenticates with its own bearer token (`custsync token create --channel CODE`)."
    ),
    paths(
        super::operations::post_operations,
        super::feed::get_feed,
        super::feed::post_ack
    ),
    modifiers(&ChannelToken),
    tags(
        (name = "operations", description = "Customer creates and edits from a channel"),
        (name = "1010 feed", description = "Customers created and changed at headquarters, per channel")
    )
)]
pub struct ApiDoc;

/// Declares the bearer token every path asks for.
struct ChannelToken;

impl Modify for ChannelToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "channel_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
