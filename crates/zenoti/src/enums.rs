//! Open enums: Zenoti sends enum values as integers (sometimes as names), documents only some
//! of them, and adds new ones. An unknown value decodes to `Other(raw)`, never to an error.

/// Declares an open enum: `Name { Variant = 3 / "Alias", ... }` decodes from the integer, the
/// variant name or an alias (case-insensitive) and serializes as the variant name (or, for
/// `Other`, the raw value as it came).
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $variant:ident = $value:literal $(/ $alias:literal)* ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $variant, )+
            /// A value this client does not know, kept as it came.
            Other(String),
        }

        impl $name {
            /// The integer Zenoti uses for this value, where known.
            pub fn code(&self) -> Option<i64> {
                match self {
                    $( $name::$variant => Some($value), )+
                    $name::Other(raw) => raw.parse().ok(),
                }
            }

            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $value => $name::$variant, )+
                    other => $name::Other(other.to_string()),
                }
            }

            pub fn from_name(name: &str) -> Self {
                $(
                    if name.eq_ignore_ascii_case(stringify!($variant))
                        $( || name.eq_ignore_ascii_case($alias) )*
                    {
                        return $name::$variant;
                    }
                )+
                match name.trim().parse::<i64>() {
                    Ok(code) => Self::from_code(code),
                    Err(_) => $name::Other(name.to_owned()),
                }
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => stringify!($variant), )+
                    $name::Other(raw) => raw,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let raw = serde_json::Value::deserialize(d)?;
                let read = match &raw {
                    serde_json::Value::Number(n) => match n.as_i64() {
                        Some(code) => Self::from_code(code),
                        None => $name::Other(n.to_string()),
                    },
                    serde_json::Value::String(s) => Self::from_name(s),
                    other => {
                        return Err(serde::de::Error::custom(format!(
                            "expected a number or a string for {}, found {}",
                            stringify!($name),
                            $crate::unexpected::type_of(other)
                        )))
                    }
                };
                if matches!(read, $name::Other(_)) {
                    $crate::unexpected::unknown_value(stringify!($name), &raw).map_err(serde::de::Error::custom)?;
                }
                Ok(read)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "ts")]
        impl ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &ts_rs::Config) -> String {
                stringify!($name).to_owned()
            }
            fn inline(_: &ts_rs::Config) -> String {
                let known = [$( concat!("\"", stringify!($variant), "\"") ),+];
                // `string & {}` keeps the known names suggested while allowing unknown values.
                format!("{} | (string & {{}})", known.join(" | "))
            }
            fn decl(cfg: &ts_rs::Config) -> String {
                format!("type {} = {};", Self::name(cfg), Self::inline(cfg))
            }
            fn decl_concrete(cfg: &ts_rs::Config) -> String {
                Self::decl(cfg)
            }
            fn output_path() -> Option<std::path::PathBuf> {
                Some(std::path::PathBuf::from(concat!(stringify!($name), ".ts")))
            }
        }
    };
}

pub(crate) use open_enum;
