-- An attribute group's name in Norwegian, beside the English one (`group_name`), so the
-- Norwegian page does not show the groups in English. Empty until set: the English name is
-- shown then.
ALTER TABLE attribute_definitions ADD COLUMN group_name_nb TEXT;
