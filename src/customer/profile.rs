//! Who the customer is and how to reach them.

use serde::{Deserialize, Serialize};

use chrono_tz::Tz;

use super::aggregate::CustomerCommand;
use super::change::Change;
use super::consent::Channel;
use super::email::EmailAddress;
use super::error::{ContactKind, CustomerError};
use super::name::PersonName;
use super::phone::{PhoneNumber, Region};
use super::preferences::{Language, PreferencesPatch, QuietHours};

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

/// Builds a new customer's [`Profile`] (and, optionally, their contact preferences) from raw text, validating each
/// field as it goes.
///
/// ```
/// use customer_care::customer::{Channel, CustomerCommand, Language, NewProfile, Region};
///
/// let minh = NewProfile::default()
///     .full_name("Trần Văn Minh")?
///     .phone("0903 123 456", Region::VN)?
///     .email("minh@example.vn")?
///     .language(Language::new("vi")?)
///     .preferred_channel(Channel::Sms);
/// assert_eq!(minh.profile().phones[0].e164(), "+84903123456");
/// // Registering takes two commands when preferences are set: Register, then SetPreferences.
/// let commands = minh.commands();
/// assert!(matches!(commands[0], CustomerCommand::Register { .. }));
/// assert!(matches!(commands[1], CustomerCommand::SetPreferences { .. }));
/// # Ok::<(), customer_care::customer::CustomerError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct NewProfile {
    profile: Profile,
    preferences: PreferencesPatch,
}

impl NewProfile {
    /// Sets the full name.
    ///
    /// # Errors
    ///
    /// As [`PersonName::new`].
    pub fn full_name(mut self, name: &str) -> Result<Self, CustomerError> {
        self.profile.full_name = Some(PersonName::new(name)?);
        Ok(self)
    }

    /// Sets the preferred name.
    ///
    /// # Errors
    ///
    /// As [`PersonName::new`].
    pub fn preferred_name(mut self, name: &str) -> Result<Self, CustomerError> {
        self.profile.preferred_name = Some(PersonName::new(name)?);
        Ok(self)
    }

    /// Adds a phone number, read in `region` when it has no `+` country code.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidPhone`] for a bad number.
    pub fn phone(mut self, number: &str, region: Region) -> Result<Self, CustomerError> {
        self.profile.phones.push(PhoneNumber::parse(number, Some(region))?);
        Ok(self)
    }

    /// Adds an e-mail address.
    ///
    /// # Errors
    ///
    /// As [`EmailAddress::new`].
    pub fn email(mut self, address: &str) -> Result<Self, CustomerError> {
        self.profile.emails.push(EmailAddress::new(address)?);
        Ok(self)
    }

    /// Sets the language to write to the customer in.
    #[must_use]
    pub fn language(mut self, language: Language) -> Self {
        self.preferences = self.preferences.language(language);
        self
    }

    /// Sets the channel the customer prefers.
    #[must_use]
    pub fn preferred_channel(mut self, channel: Channel) -> Self {
        self.preferences = self.preferences.preferred_channel(channel);
        self
    }

    /// Sets the customer's time zone (for quiet hours and local dates).
    #[must_use]
    pub fn time_zone(mut self, zone: Tz) -> Self {
        self.preferences = self.preferences.time_zone(zone);
        self
    }

    /// Sets the customer's quiet hours.
    #[must_use]
    pub fn quiet_hours(mut self, quiet_hours: QuietHours) -> Self {
        self.preferences = self.preferences.quiet_hours(quiet_hours);
        self
    }

    /// The profile so far.
    pub const fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The preferences set so far (empty when none).
    pub const fn preferences(&self) -> &PreferencesPatch {
        &self.preferences
    }

    /// The profile alone. Preferences set on the builder are not part of it: register with
    /// [`commands`](Self::commands) to keep them.
    pub fn build(self) -> Profile {
        self.profile
    }

    /// The commands that register this customer: [`CustomerCommand::Register`] (joining at the command's
    /// `issued_at`), then [`CustomerCommand::SetPreferences`] if any preference was set. Submit them in order, each
    /// with its own command id.
    pub fn commands(self) -> Vec<CustomerCommand> {
        let register = CustomerCommand::Register { profile: self.profile, registered_at: None };
        if self.preferences.is_empty() {
            vec![register]
        } else {
            vec![register, CustomerCommand::SetPreferences { patch: self.preferences }]
        }
    }
}
