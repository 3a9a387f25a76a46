//! Who the customer is and how to reach them.

use serde::{Deserialize, Serialize};

use super::change::Change;
use super::email::EmailAddress;
use super::error::{ContactKind, CustomerError};
use super::name::PersonName;
use super::phone::{PhoneNumber, Region};

/// The most phone numbers, and separately the most e-mail addresses, a customer may have.
pub const MAX_CONTACT_POINTS: usize = 5;

/// A customer's personal details. The first phone and e-mail are the primary ones.
///
/// **Constraints** (checked when a command is decided): at most [`MAX_CONTACT_POINTS`] phones and as many
/// e-mails, no repeats (phones compared in E.164, e-mails by [`EmailAddress::match_key`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Full name as the customer writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<PersonName>,
    /// How the customer likes to be addressed ("chị Lan", "Dr. Smith").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<PersonName>,
    /// Phone numbers, primary first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<PhoneNumber>,
    /// E-mail addresses, primary first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<EmailAddress>,
}

impl Profile {
    /// Whether no personal field is set.
    pub fn is_empty(&self) -> bool {
        self.full_name.is_none() && self.preferred_name.is_none() && self.phones.is_empty() && self.emails.is_empty()
    }

    /// The name to greet the customer by: the preferred name, else the full name.
    pub fn greeting_name(&self) -> Option<&PersonName> {
        self.preferred_name.as_ref().or(self.full_name.as_ref())
    }

    pub(crate) fn validate(&self) -> Result<(), CustomerError> {
        check_list(ContactKind::Phone, &self.phones, |p| p.e164().to_owned())?;
        check_list(ContactKind::Email, &self.emails, EmailAddress::match_key)
    }

    pub(crate) fn apply(&mut self, patch: &ProfilePatch) {
        if let Some(c) = &patch.full_name {
            self.full_name = c.clone().into_option();
        }
        if let Some(c) = &patch.preferred_name {
            self.preferred_name = c.clone().into_option();
        }
        if let Some(phones) = &patch.phones {
            self.phones.clone_from(phones);
        }
        if let Some(emails) = &patch.emails {
            self.emails.clone_from(emails);
        }
    }
}

fn check_list<T>(kind: ContactKind, items: &[T], key: impl Fn(&T) -> String) -> Result<(), CustomerError> {
    if items.len() > MAX_CONTACT_POINTS {
        return Err(CustomerError::TooManyContactPoints { kind, count: items.len(), max: MAX_CONTACT_POINTS });
    }
    let keys: Vec<String> = items.iter().map(key).collect();
    for (position, k) in keys.iter().enumerate() {
        if keys[..position].contains(k) {
            return Err(CustomerError::DuplicateContactPoint { kind, position });
        }
    }
    Ok(())
}

/// A change to a [`Profile`]: only the fields that are `Some` change; lists are replaced whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePatch {
    /// Set or clear the full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<Change<PersonName>>,
    /// Set or clear the preferred name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<Change<PersonName>>,
    /// Replace the phone numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<Vec<PhoneNumber>>,
    /// Replace the e-mail addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<EmailAddress>>,
}

impl ProfilePatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.full_name.is_none() && self.preferred_name.is_none() && self.phones.is_none() && self.emails.is_none()
    }
}

/// Builds a [`Profile`] from raw text, validating each field as it goes.
///
/// ```
/// use customer_care::customer::NewProfile;
///
/// let profile = NewProfile::default()
///     .full_name("Trần Văn Minh")?
///     .phone("0903 123 456", "VN")?
///     .email("minh@example.vn")?
///     .build();
/// assert_eq!(profile.phones[0].e164(), "+84903123456");
/// # Ok::<(), customer_care::customer::CustomerError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct NewProfile(Profile);

impl NewProfile {
    /// Sets the full name.
    ///
    /// # Errors
    ///
    /// As [`PersonName::new`].
    pub fn full_name(mut self, name: &str) -> Result<Self, CustomerError> {
        self.0.full_name = Some(PersonName::new(name)?);
        Ok(self)
    }

    /// Sets the preferred name.
    ///
    /// # Errors
    ///
    /// As [`PersonName::new`].
    pub fn preferred_name(mut self, name: &str) -> Result<Self, CustomerError> {
        self.0.preferred_name = Some(PersonName::new(name)?);
        Ok(self)
    }

    /// Adds a phone number, read in `region` when it has no `+` country code.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidPhone`] for a bad number or region.
    pub fn phone(mut self, number: &str, region: &str) -> Result<Self, CustomerError> {
        let region: Region = region.parse()?;
        self.0.phones.push(PhoneNumber::parse(number, Some(region))?);
        Ok(self)
    }

    /// Adds an e-mail address.
    ///
    /// # Errors
    ///
    /// As [`EmailAddress::new`].
    pub fn email(mut self, address: &str) -> Result<Self, CustomerError> {
        self.0.emails.push(EmailAddress::new(address)?);
        Ok(self)
    }

    /// The profile.
    pub fn build(self) -> Profile {
        self.0
    }
}
