//! Exact decimals: amounts of money, loyalty points and rates, as Zenoti sends them and as the
//! UI receives them.
//!
//! One type per kind of number, all three made by one macro, so the wire format and the
//! TypeScript mapping are written once:
//! - decoded from a JSON number or a string ("12.50"), every digit kept;
//! - encoded as a string ("12.50"), so the UI never reads money through a float;
//! - `string` in TypeScript (`string | null` when optional).
//!
//! Arithmetic is done on the [`Decimal`] inside (`Deref`, [`Money::get`]); only checked sums
//! are offered on the types themselves.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

macro_rules! exact_decimal {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Decimal);

        impl $name {
            pub const ZERO: $name = $name(Decimal::ZERO);

            /// The decimal inside.
            pub fn get(self) -> Decimal {
                self.0
            }

            /// `None` where the sum does not fit.
            pub fn checked_add(self, other: $name) -> Option<$name> {
                self.0.checked_add(other.0).map($name)
            }

            /// `None` where the difference does not fit.
            pub fn checked_sub(self, other: $name) -> Option<$name> {
                self.0.checked_sub(other.0).map($name)
            }
        }

        impl Deref for $name {
            type Target = Decimal;
            fn deref(&self) -> &Decimal {
                &self.0
            }
        }

        impl From<Decimal> for $name {
            fn from(value: Decimal) -> Self {
                $name(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(value: $name) -> Decimal {
                value.0
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                $name(Decimal::from(value))
            }
        }

        impl FromStr for $name {
            type Err = rust_decimal::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl PartialEq<Decimal> for $name {
            fn eq(&self, other: &Decimal) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for Decimal {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialOrd<Decimal> for $name {
            fn partial_cmp(&self, other: &Decimal) -> Option<std::cmp::Ordering> {
                self.0.partial_cmp(other)
            }
        }

        impl PartialOrd<$name> for Decimal {
            fn partial_cmp(&self, other: &$name) -> Option<std::cmp::Ordering> {
                self.partial_cmp(&other.0)
            }
        }

        /// The one TypeScript mapping of exact decimals: a string, as serialized.
        #[cfg(feature = "ts")]
        impl ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &ts_rs::Config) -> String {
                "string".to_owned()
            }
            fn inline(cfg: &ts_rs::Config) -> String {
                <Self as ts_rs::TS>::name(cfg)
            }
        }
    };
}

exact_decimal! {
    /// An amount of money in the center's currency: prices, totals, balances, payments.
    Money
}

exact_decimal! {
    /// A number of loyalty points (balances, a redemption's points, a program's limits).
    Points
}

exact_decimal! {
    /// A ratio: the money one loyalty point is worth, or a commission's factor.
    Rate
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn read_from_numbers_and_strings_written_as_strings() {
        for (wire, text) in [(json!(110.1), "110.1"), (json!("12.50"), "12.50"), (json!(540), "540")] {
            let money: Money = serde_json::from_value(wire).unwrap();
            assert_eq!(money.to_string(), text);
            assert_eq!(serde_json::to_value(money).unwrap(), json!(text));
        }
        assert!(serde_json::from_value::<Money>(json!({"value": 1})).is_err());
        let none: Option<Points> = serde_json::from_value(json!(null)).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn compares_with_decimals_and_sums_are_checked() {
        let ten = Money::from(10);
        assert!(ten > Decimal::ONE && Decimal::ONE < ten && ten == Decimal::TEN);
        assert_eq!(ten.checked_add(Money::from(5)), Some(Money::from(15)));
        assert_eq!(Money(Decimal::MAX).checked_add(ten), None);
        assert_eq!(Money(Decimal::MIN).checked_sub(ten), None);
        assert_eq!(ten.normalize(), Decimal::TEN, "the decimal's own methods through Deref");
    }

    #[cfg(feature = "ts")]
    #[test]
    fn typescript_sees_a_string() {
        use ts_rs::TS;
        let cfg = ts_rs::Config::default();
        assert_eq!(<Option<Money> as TS>::name(&cfg), "string | null");
        assert_eq!(<Points as TS>::inline(&cfg), "string");
        assert_eq!(<Rate as TS>::output_path(), None, "no file of its own");
    }
}
