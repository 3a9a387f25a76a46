//! A list that keeps a single element inline.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A list for records that almost always hold one element (an order's earned lines, a redemption's lots): one
/// element is stored inline, so the common record costs no allocation; more spill into a `Vec`.
///
/// Behaves as a slice (`Deref`), compares, prints and serializes exactly as the `Vec` it stands for, whatever
/// its layout.
#[derive(Clone)]
pub(crate) enum Few<T> {
    /// Exactly one element.
    One(T),
    /// Any number of elements (none: no allocation).
    Many(Vec<T>),
}

impl<T> Default for Few<T> {
    fn default() -> Self {
        Self::Many(Vec::new())
    }
}

impl<T> Few<T> {
    /// Appends `item`.
    pub(crate) fn push(&mut self, item: T) {
        match self {
            Self::Many(items) if items.capacity() > 0 => items.push(item),
            Self::Many(_) => *self = Self::One(item),
            Self::One(_) => {
                if let Self::One(first) = std::mem::take(self) {
                    *self = Self::Many(vec![first, item]);
                }
            }
        }
    }

    /// Keeps the elements for which `keep` holds.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        match self {
            Self::One(item) => {
                if !keep(item) {
                    *self = Self::default();
                }
            }
            Self::Many(items) => items.retain(keep),
        }
    }
}

impl<T> Extend<T> for Few<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T: Clone> From<&[T]> for Few<T> {
    fn from(items: &[T]) -> Self {
        match items {
            [one] => Self::One(one.clone()),
            _ => Self::Many(items.to_vec()),
        }
    }
}

impl<T> From<Vec<T>> for Few<T> {
    fn from(mut items: Vec<T>) -> Self {
        if items.len() == 1
            && let Some(one) = items.pop()
        {
            return Self::One(one);
        }
        Self::Many(items)
    }
}

impl<T> Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Self::One(item) => std::slice::from_ref(item),
            Self::Many(items) => items,
        }
    }
}

impl<T> DerefMut for Few<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Self::One(item) => std::slice::from_mut(item),
            Self::Many(items) => items,
        }
    }
}

impl<T: PartialEq> PartialEq for Few<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for Few<T> {}

impl<T: fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for Few<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Few<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_the_vec_it_stands_for() {
        let mut few = Few::default();
        assert!(few.is_empty());
        few.push(1);
        assert!(matches!(few, Few::One(1)));
        few.extend([2, 3]);
        assert_eq!(&*few, &[1, 2, 3]);
        few.retain(|n| *n == 2);
        assert_eq!(few, Few::from(vec![2]));
        assert!(matches!(Few::from(vec![2]), Few::One(2)));
        few.retain(|n| *n != 2);
        assert!(few.is_empty());
        few.push(4);
        assert_eq!(few, Few::One(4));
        for n in few.iter_mut() {
            *n += 1;
        }
        assert_eq!(format!("{few:?}"), "[5]");
        assert_eq!(serde_json::to_string(&few).unwrap(), "[5]");
        assert_eq!(serde_json::to_string(&Few::<u8>::default()).unwrap(), "[]");
        let back: Few<u8> = serde_json::from_str("[1,2]").unwrap();
        assert_eq!(back, Few::Many(vec![1, 2]));
        assert!(matches!(Few::from(&[7][..]), Few::One(7)));
        assert!(matches!(Few::from(&[7, 8][..]), Few::Many(v) if v == [7, 8]));
        assert!(matches!(Few::from(Vec::<u8>::new()), Few::Many(v) if v.is_empty()));
        assert_ne!(Few::One(1), Few::One(2));
        assert_ne!(Few::from(vec![1, 2]), Few::from(vec![1]));
        // A list emptied by retain grows again from one inline element.
        let mut many = Few::from(vec![1, 2, 3]);
        many.retain(|_| false);
        many.push(9);
        assert_eq!(&*many, &[9]);
    }
    #[test]
    fn retain_on_the_inline_element_keeps_or_drops_it() {
        let mut one = Few::One(4);
        one.retain(|n| *n == 4);
        assert!(matches!(one, Few::One(4)));
        one.retain(|n| *n != 4);
        assert!(one.is_empty());
        one.retain(|_| true);
        assert!(one.is_empty());
    }
}
