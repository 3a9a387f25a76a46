//! Where the lots live: sorted by id in fixed-size chunks.

use super::types::{Lot, LotId};

/// How many lots one chunk of a [`LotStore`] holds.
pub(super) const LOT_CHUNK: usize = 1024;

/// Lots sorted by id, stored in fixed-size chunks (growth never copies lots), with their ids in a parallel `Vec` for
/// cache-friendly binary search. Ids grow with the commit version, so credits append.
#[derive(Debug)]
pub(super) struct LotStore<U> {
    ids: Vec<LotId>,
    /// The lots, [`LOT_CHUNK`] to a chunk (visible to the engine's tests, which check the capacity of clones).
    pub(super) chunks: Vec<Vec<Lot<U>>>,
    /// The position of the last lot changed: debits hit the same lot many times in a row, so applying them skips
    /// the search. Not part of the value (ignored by equality).
    pub(super) hint: usize,
}

impl<U: Clone> Clone for LotStore<U> {
    /// Keeps every chunk's capacity at [`LOT_CHUNK`] (a derived clone would trim the last chunk to its length, so
    /// the clone's next credit would copy the whole chunk to grow it).
    fn clone(&self) -> Self {
        let chunks = self
            .chunks
            .iter()
            .map(|chunk| {
                let mut copy = Vec::with_capacity(LOT_CHUNK.max(chunk.len()));
                copy.extend(chunk.iter().cloned());
                copy
            })
            .collect();
        Self { ids: self.ids.clone(), chunks, hint: self.hint }
    }
}

impl<U: PartialEq> PartialEq for LotStore<U> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids && self.chunks == other.chunks
    }
}

impl<U> LotStore<U> {
    pub(super) const fn new() -> Self {
        Self { ids: Vec::new(), chunks: Vec::new(), hint: 0 }
    }

    pub(super) fn position(&self, id: &LotId) -> Result<usize, usize> {
        match self.ids.last() {
            Some(last) if last < id => Err(self.ids.len()),
            Some(last) if last == id => Ok(self.ids.len().saturating_sub(1)),
            _ => self.ids.binary_search(id),
        }
    }

    pub(super) fn at(&self, i: usize) -> Option<&Lot<U>> {
        self.chunks.get(i / LOT_CHUNK)?.get(i % LOT_CHUNK)
    }

    pub(super) fn get(&self, id: &LotId) -> Option<&Lot<U>> {
        self.position(id).ok().and_then(|i| self.at(i))
    }

    pub(super) fn get_mut(&mut self, id: &LotId) -> Option<&mut Lot<U>> {
        let i = if self.ids.get(self.hint) == Some(id) { self.hint } else { self.position(id).ok()? };
        self.hint = i;
        self.chunks.get_mut(i / LOT_CHUNK)?.get_mut(i % LOT_CHUNK)
    }

    pub(super) fn contains_key(&self, id: &LotId) -> bool {
        self.position(id).is_ok()
    }

    pub(super) fn push(&mut self, id: LotId, lot: Lot<U>) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < LOT_CHUNK => chunk.push(lot),
            _ => {
                let mut chunk = Vec::with_capacity(LOT_CHUNK);
                chunk.push(lot);
                self.chunks.push(chunk);
            }
        }
        self.ids.push(id);
    }

    pub(super) fn insert(&mut self, id: LotId, lot: Lot<U>) {
        match self.position(&id) {
            Ok(_) => {}
            Err(i) if i >= self.ids.len() => self.push(id, lot),
            Err(i) => {
                // Out of order (a hand-written log): rebuild. Never happens for commits decided by this crate.
                let mut all: Vec<Lot<U>> = std::mem::take(&mut self.chunks).into_iter().flatten().collect();
                let mut ids = std::mem::take(&mut self.ids);
                all.insert(i, lot);
                ids.insert(i, id);
                for (id, lot) in ids.into_iter().zip(all) {
                    self.push(id, lot);
                }
            }
        }
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &Lot<U>> {
        self.chunks.iter().flatten()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&LotId, &Lot<U>)> {
        self.ids.iter().zip(self.values())
    }

    pub(super) fn into_values(self) -> impl Iterator<Item = Lot<U>> {
        self.chunks.into_iter().flatten()
    }
}
