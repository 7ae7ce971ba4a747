//! How server functions' answers (and their errors) travel: JSON, written by leptos's own
//! encoding, but read in the browser from text, the way the page's hydration data is read.
//! One JSON reader for both means one copy of each type's decoding code in the WebAssembly
//! client instead of two (`from_slice` and `from_str` each get their own).

use serde::{de::DeserializeOwned, Serialize};
use server_fn::{
    codec::{JsonEncoding, Post},
    Bytes, ContentType, Decodes, Encodes, Format, FormatType,
};

/// JSON, read from text.
pub struct JsonText;

/// A server function's answer: a JSON body, read from text.
pub type Answer = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = JsonEncoding::CONTENT_TYPE;
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = JsonEncoding::FORMAT_TYPE;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = <JsonEncoding as Encodes<T>>::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        JsonEncoding::encode(value)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_reads_back_as_it_was_written() {
        let value = vec![("Kari Nordmann".to_owned(), 3_i64)];
        let bytes = <JsonText as Encodes<_>>::encode(&value).unwrap();
        let back: Vec<(String, i64)> = JsonText::decode(bytes).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn an_answer_that_is_not_text_is_refused() {
        let refused = <JsonText as Decodes<String>>::decode(Bytes::from_static(b"\"\xff\""));
        assert!(refused.is_err());
    }
}
