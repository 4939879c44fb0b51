//! `Deserialize` for models with an `extra` map, without `#[serde(flatten)]`.
//!
//! A derived deserializer with a flattened field buffers every unknown entry in
//! serde's private `Content` tree and replays it into the map afterwards. The
//! impls generated here visit the object once: known keys go straight to their
//! field (through the same lenient functions the `#[serde(...)]` attributes
//! name), every other key becomes a [`serde_json::Value`] in `extra`.
//!
//! The behaviour matches the derive it replaces: absent fields take their
//! `Default` (or fail with ``missing field `x` `` for required ones), a known key
//! sent twice fails with ``duplicate field `x` ``, an unknown key sent twice
//! keeps the last value (in the position of the first, as [`super::Extra`]
//! does), and anything other than an object fails with
//! ``invalid type: …, expected struct X``.
//!
//! The `Serialize` side stays derived (`#[serde(flatten)]` on `extra` is cheap
//! there); the structs derive only `Serialize` and keep their serde attributes
//! as documentation of the wire names, which the field list here must repeat.

/// Implements `Deserialize` for a struct whose last field is `extra: Extra`.
///
/// ```text
/// deserialize_with_extra! {
///     Checkpoint {
///         default date: Option<Timestamp> = "Date";
///         default details: String = "Details" => lenient::string_or_empty;
///         required code: i64 = "code" => lenient::i64_req;
///     }
/// }
/// ```
///
/// `default`: absent → `Default::default()` (`#[serde(default)]`);
/// `required`: absent → ``missing field `key` ``. `=> path` reads the value
/// with `path` (`#[serde(deserialize_with = "path")]`), otherwise with the
/// field type's own `Deserialize`.
macro_rules! deserialize_with_extra {
    (
        $name:ident {
            $( $mode:ident $field:ident : $fty:ty = $key:literal $( => $with:path )? ; )*
        }
    ) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                #[allow(non_camel_case_types)]
                enum Key {
                    $( $field, )*
                    Other(::std::string::String),
                }

                struct KeySeed;

                impl<'de> ::serde::de::DeserializeSeed<'de> for KeySeed {
                    type Value = Key;
                    fn deserialize<K>(self, d: K) -> ::std::result::Result<Key, K::Error>
                    where
                        K: ::serde::Deserializer<'de>,
                    {
                        d.deserialize_str(self)
                    }
                }

                impl ::serde::de::Visitor<'_> for KeySeed {
                    type Value = Key;
                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str("field identifier")
                    }
                    fn visit_str<E>(self, v: &str) -> ::std::result::Result<Key, E> {
                        Ok(match v {
                            $( $key => Key::$field, )*
                            other => Key::Other(other.to_owned()),
                        })
                    }
                    fn visit_string<E>(
                        self,
                        v: ::std::string::String,
                    ) -> ::std::result::Result<Key, E> {
                        Ok(match v.as_str() {
                            $( $key => Key::$field, )*
                            _ => Key::Other(v),
                        })
                    }
                }

                struct StructVisitor;

                impl<'de> ::serde::de::Visitor<'de> for StructVisitor {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<$name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        $( let mut $field: ::std::option::Option<$fty> = None; )*
                        let mut extra = $crate::models::Extra::new();
                        while let Some(key) = map.next_key_seed(KeySeed)? {
                            match key {
                                $(
                                    Key::$field => {
                                        if $field.is_some() {
                                            return Err(
                                                <A::Error as ::serde::de::Error>::duplicate_field(
                                                    $key,
                                                ),
                                            );
                                        }
                                        $field = Some($crate::models::derive::deserialize_with_extra!(
                                            @value map, $fty $(, $with)?
                                        ));
                                    }
                                )*
                                Key::Other(name) => {
                                    let value: ::serde_json::Value = map.next_value()?;
                                    extra.insert(name, value);
                                }
                            }
                        }
                        Ok($name {
                            $(
                                $field: $crate::models::derive::deserialize_with_extra!(
                                    @missing $mode, $field, $key, A::Error
                                ),
                            )*
                            extra,
                        })
                    }
                }

                deserializer.deserialize_map(StructVisitor)
            }
        }
    };

    (@value $map:ident, $fty:ty) => {
        $map.next_value::<$fty>()?
    };
    (@value $map:ident, $fty:ty, $with:path) => {{
        struct With;
        impl<'de> ::serde::de::DeserializeSeed<'de> for With {
            type Value = $fty;
            fn deserialize<V>(self, d: V) -> ::std::result::Result<$fty, V::Error>
            where
                V: ::serde::Deserializer<'de>,
            {
                $with(d)
            }
        }
        $map.next_value_seed(With)?
    }};

    (@missing default, $field:ident, $key:literal, $err:ty) => {
        $field.unwrap_or_default()
    };
    (@missing required, $field:ident, $key:literal, $err:ty) => {
        match $field {
            Some(v) => v,
            None => return Err(<$err as ::serde::de::Error>::missing_field($key)),
        }
    };
}

pub(crate) use deserialize_with_extra;
