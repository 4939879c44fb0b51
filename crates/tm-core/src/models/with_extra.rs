//! `model_with_extra!`: one field list → a model struct that keeps the fields
//! it does not model in `extra`, its `Serialize` (derived) and a `Deserialize`
//! that reads each known field straight from the map.
//!
//! Why not `#[serde(flatten)] extra`: the derived visitor of a flattened struct
//! buffers every unknown field (key and value) as serde's private `Content`
//! and re-reads the buffer into the map afterwards. The visitor below reads
//! known fields exactly as the derive does (same functions, same defaults,
//! same errors) and unknown ones straight into `extra`, in order. The tests
//! of `tracking` compare it with the derive on every fixture and on random
//! objects.
//!
//! Each field is `pub name: Type = "json_name" => how`, where `how` is
//! - `default`: read with `Type`'s `Deserialize`; absent → `Default::default()`;
//! - `with path`: read with the function `path` (a `deserialize_with`);
//!   absent → `Default::default()`;
//! - `required`: read with `Type`'s `Deserialize`; absent → a
//!   ``missing field `json_name` `` error.
//!
//! A known field sent twice is a ``duplicate field `json_name` `` error (as
//! with the derive); an unknown one sent twice keeps its first position and
//! its last value (as `serde_json::Map` does). Field attributes (doc
//! comments, `#[serde(skip_serializing_if = …)]`) go to the struct and its
//! `Serialize`, which writes `json_name` for each field, then `extra`.
//!
//! Each struct also gets `deserialize_skipping(deserializer, &["field", …])`:
//! the same decode without reading the named fields (their JSON is skipped
//! over), for a caller that needs the cheap fields of a large object first
//! (tm-py's listed trackings skip the two carrier legs). Measured in
//! BENCHMARKS.md §1b: 10–30 % off a `Tracking` decode; a third of its cost
//! without the legs.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// A JSON object key: borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, owned (for `extra`).
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

/// Defines a model struct with an `extra` map for unknown fields; see the
/// module documentation for the field syntax.
macro_rules! model_with_extra {
    // One known field's value, read from the map.
    (@read $map:ident, $ty:ty, with $with:path) => {{
        struct With;
        impl<'de> serde::de::DeserializeSeed<'de> for With {
            type Value = $ty;
            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<$ty, D::Error> {
                $with(d)
            }
        }
        serde::de::MapAccess::next_value_seed(&mut $map, With)?
    }};
    (@read $map:ident, $ty:ty, default) => {
        serde::de::MapAccess::next_value::<$ty>(&mut $map)?
    };
    (@read $map:ident, $ty:ty, required) => {
        serde::de::MapAccess::next_value::<$ty>(&mut $map)?
    };
    // One known field's final value once the map is read.
    (@finish $value:ident, $wire:literal, required) => {
        match $value {
            Some(v) => v,
            None => return Err(serde::de::Error::missing_field($wire)),
        }
    };
    (@finish $value:ident, $wire:literal, default) => {
        $value.unwrap_or_default()
    };
    (@finish $value:ident, $wire:literal, with) => {
        $value.unwrap_or_default()
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty = $wire:literal => $how:ident $($with:path)?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $wire)]
                pub $field: $ty,
            )*
            /// Fields not modelled here.
            #[serde(flatten)]
            pub extra: $crate::models::Extra,
        }

        // The visitor's items in their own scope (item names are not hygienic).
        const _: () = {
            impl $name {
                /// Decodes like `Deserialize`, except that the fields named (by
                /// their Rust names) in `skip` are not read: their JSON is skipped
                /// over and they keep their default (a required one is reported
                /// missing). For a caller that wants a few cheap fields of a large
                /// object at once and the rest later, if ever.
                pub fn deserialize_skipping<'de, D: serde::Deserializer<'de>>(
                    d: D,
                    skip: &[&str],
                ) -> Result<Self, D::Error> {
                    d.deserialize_map(Fields { skip })
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    d.deserialize_map(Fields { skip: &[] })
                }
            }

            /// The map visitor of the struct, skipping the fields in `skip`.
            struct Fields<'a> {
                skip: &'a [&'a str],
            }

            impl<'de> serde::de::Visitor<'de> for Fields<'_> {
                type Value = $name;

                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(concat!("struct ", stringify!($name)))
                }

                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                    $( let mut $field: Option<$ty> = None; )*
                    let mut extra = $crate::models::Extra::new();
                    while let Some(key) = serde::de::MapAccess::next_key::<
                        $crate::models::with_extra::Key<'de>,
                    >(&mut map)? {
                        match key.as_str() {
                            $(
                                $wire => {
                                    if $field.is_some() {
                                        return Err(serde::de::Error::duplicate_field($wire));
                                    }
                                    if self.skip.contains(&stringify!($field)) {
                                        serde::de::MapAccess::next_value::<serde::de::IgnoredAny>(
                                            &mut map,
                                        )?;
                                    } else {
                                        $field = Some(model_with_extra!(@read map, $ty, $how $($with)?));
                                    }
                                }
                            )*
                            _ => {
                                let value = serde::de::MapAccess::next_value(&mut map)?;
                                extra.insert(key.into_string(), value);
                            }
                        }
                    }
                    Ok($name {
                        $( $field: model_with_extra!(@finish $field, $wire, $how), )*
                        extra,
                    })
                }
            }
        };
    };
}

pub(crate) use model_with_extra;
