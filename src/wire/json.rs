//! Small rewrites of JSON values that upcasting steps are made of.

use serde_json::Value;

/// Renames the tag `field` of `value` from `old` to `new` when `value` is an object tagged `old`.
pub(crate) fn rename_tag(value: &mut Value, field: &str, old: &str, new: &str) {
    if let Some(tag) = value.get_mut(field)
        && tag.as_str() == Some(old)
    {
        *tag = Value::String(new.to_owned());
    }
}

/// Renames the key `old` of the object `value` to `new` (in place, keeping the other keys); nothing when `value` is
/// not an object or has no `old`.
pub(crate) fn rename_key(value: &mut Value, old: &str, new: &str) {
    if let Some(object) = value.as_object_mut()
        && let Some(v) = object.remove(old)
    {
        object.insert(new.to_owned(), v);
    }
}

/// The elements of the array `field` of `value` (none when it is absent or not an array).
pub(crate) fn elements_mut<'a>(value: &'a mut Value, field: &str) -> impl Iterator<Item = &'a mut Value> {
    value.get_mut(field).and_then(Value::as_array_mut).into_iter().flatten()
}
