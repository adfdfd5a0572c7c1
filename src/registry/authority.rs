//! Who may act (the permission table) and how the audit log names who did.

use serde::{Deserialize, Serialize};

use super::{get, Registry, RegistryError};
use crate::actor::{AccountId, Actor, Who};
use crate::calendar::WorkCalendar;
use crate::permission::{Operation, PermissionTable, Target};
use crate::store::{Doc, Store, StoreError, Table, Transaction};
use crate::subject::with_whole_identifiers;

/// The key of an official's pseudonym (kept in
/// [`Table::Pseudonyms`] under `account:` and the account id, about no
/// subject): the audit log names the account only by the pseudonym.
#[derive(Serialize, Deserialize)]
struct AccountKey {
    pseudonym: String,
    account: AccountId,
}

/// How the audit log (and an objection's acts) name `actor`: `system`,
/// `section:office` for a section acting as a unit, and for an official's
/// account a pseudonym of the registry's own (`A3`, made on first use)
/// with the capacity, `A3 as section:office`. No account id is written.
pub(super) fn actor_name(tx: &mut dyn Transaction, actor: &Actor) -> Result<String, StoreError> {
    let account = match actor.who() {
        Who::Account(account) => account,
        Who::Section(_) | Who::System | Who::Public => return Ok(actor.capacity().to_string()),
    };
    let key = format!("account:{}", account.as_str());
    let pseudonym = match get::<AccountKey>(tx, Table::Pseudonyms, &key)? {
        Some(k) => k.pseudonym,
        None => {
            let pseudonym = format!("A{}", tx.next_id(Table::Pseudonyms)?);
            let body = with_whole_identifiers(|| {
                serde_json::to_string(&AccountKey {
                    pseudonym: pseudonym.clone(),
                    account: account.clone(),
                })
            })
            .map_err(StoreError::backend)?;
            tx.put(
                Table::Pseudonyms,
                &key,
                Doc {
                    subject: None,
                    body,
                    sealed: None,
                },
            )?;
            pseudonym
        }
    };
    Ok(format!("{pseudonym} as {}", actor.capacity()))
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// The same registry, granting operations by `table` instead of the
    /// built-in [`PermissionTable::xinzheng_2019`].
    pub fn with_permissions(mut self, table: PermissionTable) -> Self {
        self.permissions = std::sync::Arc::new(table);
        self
    }

    /// The permission table the registry grants operations by.
    pub fn permissions(&self) -> &PermissionTable {
        &self.permissions
    }

    /// Refuses with [`RegistryError::Forbidden`] unless `actor` may perform
    /// `operation` on `target`. Called before anything is written.
    pub(super) fn authorize(
        &self,
        actor: &Actor,
        operation: Operation,
        target: Target,
    ) -> Result<(), RegistryError> {
        self.permissions
            .check(actor, operation, &target)
            .map(|_| ())
            .map_err(RegistryError::from)
    }
}
