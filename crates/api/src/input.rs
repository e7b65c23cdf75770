//! Reads JSON input (a command's arguments, a document) into its typed form. A misfit keeps
//! serde's own kind (a missing field, an unknown field, anything else) and the path where it
//! happened, so callers name the field from the kind, never from an error message's text.
//!
//! serde_json's `Value` deserializes only with serde_json's error, whose kind is text; `Json`
//! hands the same value to serde with `InputError` instead. serde's `de::value` module does
//! the sequences, maps and enums; `Json` only says which one each JSON value is.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;

/// What serde found wrong with an input.
#[derive(Debug)]
pub enum InputError {
    Missing(&'static str),
    Unknown { field: String, expected: &'static [&'static str] },
    Other(String),
}

impl fmt::Display for InputError {
    /// serde's own words for each kind (those serde_json gives).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Missing(field) => <de::value::Error as de::Error>::missing_field(field).fmt(f),
            InputError::Unknown { field, expected } => <de::value::Error as de::Error>::unknown_field(field, expected).fmt(f),
            InputError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for InputError {}

impl de::Error for InputError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        InputError::Other(message.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        InputError::Missing(field)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        InputError::Unknown { field: field.to_string(), expected }
    }

    fn invalid_type(unexpected: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!("invalid type: {}, expected {expected}", Shown(unexpected)))
    }

    fn invalid_value(unexpected: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!("invalid value: {}, expected {expected}", Shown(unexpected)))
    }
}

/// An unexpected value as serde_json calls it: `null`, not serde's "unit value"; a float in
/// its shortest form (`1e20`).
struct Shown<'a>(de::Unexpected<'a>);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            de::Unexpected::Unit => f.write_str("null"),
            de::Unexpected::Float(value) => write!(f, "floating point `{value:?}`"),
            other => other.fmt(f),
        }
    }
}

/// An input that does not fit its type: what, and where (`.` at the top, `issuer`, `lines[0]`).
#[derive(Debug)]
pub struct Misfit {
    pub path: String,
    pub error: InputError,
}

impl Misfit {
    /// The path of `key` within the place the misfit happened (a missing key is reported at
    /// its parent).
    pub fn within(&self, key: &str) -> String {
        if self.path == "." { key.to_string() } else { format!("{}.{key}", self.path) }
    }
}

/// Reads `value` as a `T`.
pub fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, Misfit> {
    serde_path_to_error::deserialize(Json(value)).map_err(|e| Misfit { path: e.path().to_string(), error: e.into_inner() })
}

/// A JSON value as a deserializer whose errors are `InputError`s.
struct Json(Value);

impl<'de> IntoDeserializer<'de, InputError> for Json {
    type Deserializer = Json;

    fn into_deserializer(self) -> Json {
        self
    }
}

impl<'de> de::Deserializer<'de> for Json {
    type Error = InputError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (None, Some(i)) => visitor.visit_i64(i),
                (None, None) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => {
                let mut seq = de::value::SeqDeserializer::new(items.into_iter().map(Json));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(map) => {
                let mut entries = de::value::MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Json(v))));
                let value = visitor.visit_map(&mut entries)?;
                entries.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, InputError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            value => visitor.visit_some(Json(value)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value, InputError> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(variant.into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                visitor.visit_enum(de::value::MapAccessDeserializer::new(de::value::MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Json(v))))))
            }
            _ => Err(de::Error::invalid_value(de::Unexpected::Map, &"a string or a map with a single key")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, InputError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Line {
        name: String,
        quantity: u32,
        note: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        number: String,
        lines: Vec<Line>,
    }

    fn misfit(value: Value) -> (String, String, String) {
        let m = from_json::<Order>(value).expect_err("a misfit");
        let kind = match &m.error {
            InputError::Missing(field) => format!("missing {field}"),
            InputError::Unknown { field, .. } => format!("unknown {field}"),
            InputError::Other(_) => "other".to_string(),
        };
        (m.path.clone(), kind, m.error.to_string())
    }

    #[test]
    fn each_kind_of_misfit_is_kept_with_its_path_and_serde_s_words() {
        let cases = [
            (json!({"lines": []}), (".", "missing number", "missing field `number`")),
            (json!({"number": "A", "lines": [{"name": "x"}]}), ("lines[0]", "missing quantity", "missing field `quantity`")),
            (json!({"number": "A", "lines": [], "extra": 1}), ("extra", "unknown extra", "unknown field `extra`, expected `number` or `lines`")),
            (
                json!({"number": "A", "lines": [{"name": "x", "quantity": 1, "colour": "red"}]}),
                ("lines[0].colour", "unknown colour", "unknown field `colour`, expected one of `name`, `quantity`, `note`"),
            ),
            (json!({"number": 7, "lines": []}), ("number", "other", "invalid type: integer `7`, expected a string")),
            (json!({"number": null, "lines": []}), ("number", "other", "invalid type: null, expected a string")),
            (json!({"number": "A", "lines": [{"name": "x", "quantity": -1}]}), ("lines[0].quantity", "other", "invalid value: integer `-1`, expected u32")),
            (
                json!({"number": "A", "lines": [{"name": "x", "quantity": 1.5}]}),
                ("lines[0].quantity", "other", "invalid type: floating point `1.5`, expected u32"),
            ),
            (json!("A"), (".", "other", "invalid type: string \"A\", expected struct Order")),
        ];
        for (value, (path, kind, message)) in cases {
            let shown = value.to_string();
            assert_eq!(misfit(value), (path.to_string(), kind.to_string(), message.to_string()), "{shown}");
        }
    }

    #[test]
    fn a_fitting_input_reads_as_serde_json_reads_it() {
        let value = json!({"number": "A-1", "lines": [{"name": "水", "quantity": 4294967295u64, "note": null}, {"name": "x", "quantity": 1, "note": "n"}]});
        let ours: Order = from_json(value.clone()).expect("fits");
        let theirs: Order = serde_json::from_value(value).expect("fits");
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
    }
}
