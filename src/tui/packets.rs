//! The packets the UI shows, shared between the UI thread and the workers
//! that produce them (the file loader, later a live capture thread): the
//! index of every packet and the session state of the first dissection pass.
//!
//! A record is pushed into the store only after its first pass is done, so
//! `store.len()` is always the number of packets that can be revisited.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::store::brief::BriefStore;
use crate::store::columns::{Columns, Reading};
use crate::store::labels::Labels;
use crate::capture::{PacketStore, StoreSource};
use crate::dissect::{dissect_frame, Depth, Dissection, FrameMeta, Pass};
use crate::dissect::session::Session;
use crate::stats::transactions::Item as TransactionItem;

pub struct Packets {
    store: RwLock<PacketStore>,
    /// Every stored packet's brief record; published before its store
    /// record, so it has at least as many.
    brief: RwLock<BriefStore>,
    /// The columns filters have made (see `crate::store::columns`).
    columns: RwLock<Columns>,
    /// The list's text columns, once a sort has needed them (see
    /// `crate::store::labels`).
    labels: RwLock<Labels>,
    /// Every packet's transactions items, once the transactions view has
    /// read a complete capture: reopening the view reads them instead.
    transactions: Mutex<Option<Arc<Vec<TransactionItem>>>>,
    session: Mutex<Session>,
    /// The source has ended: no more packets will come.
    complete: AtomicBool,
}

impl Packets {
    pub fn new(source: StoreSource, pcapng: bool) -> Packets {
        let mut store = PacketStore::new(source);
        store.pcapng = pcapng;
        Packets {
            store: RwLock::new(store),
            brief: RwLock::new(BriefStore::default()),
            columns: RwLock::new(Columns::default()),
            labels: RwLock::new(Labels::default()),
            transactions: Mutex::new(None),
            session: Mutex::new(Session::new()),
            complete: AtomicBool::new(false),
        }
    }

    /// An empty store over the same packets' bytes, to dissect them again
    /// (`loader::spawn_again`): a file is shared; bytes kept in memory must
    /// be copied (true), the old store going once the new one is filled.
    pub fn again(&self) -> std::io::Result<(Packets, bool)> {
        let store = self.store();
        let (source, copy) = match &store.source {
            StoreSource::File(f) => (StoreSource::File(f.try_clone()?), false),
            StoreSource::Memory(_) | StoreSource::Spilled { .. } => (StoreSource::Memory(Vec::new()), true),
        };
        Ok((Packets::new(source, store.pcapng), copy))
    }

    // A worker that panicked mid-batch leaves the store and session usable
    // (records are only appended whole), so a poisoned lock is still read.
    pub fn store(&self) -> RwLockReadGuard<'_, PacketStore> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn store_mut(&self) -> RwLockWriteGuard<'_, PacketStore> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn brief_mut(&self) -> RwLockWriteGuard<'_, BriefStore> {
        self.brief.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn labels(&self) -> RwLockReadGuard<'_, Labels> {
        self.labels.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn labels_mut(&self) -> RwLockWriteGuard<'_, Labels> {
        self.labels.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The transactions items kept by `keep_transactions`.
    pub fn transactions(&self) -> Option<Arc<Vec<TransactionItem>>> {
        self.transactions.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Keeps every packet's transactions items, read from a complete capture.
    pub fn keep_transactions(&self, items: Vec<TransactionItem>) {
        *self.transactions.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(items));
    }

    pub fn set_complete(&self) {
        self.complete.store(true, Ordering::SeqCst);
    }

    pub fn is_complete(&self) -> bool {
        self.complete.load(Ordering::SeqCst)
    }

    pub fn len(&self) -> usize {
        self.store().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Re-dissects packet `i` (0-based) with its full tree, reading its bytes
    /// into `bytes`. False when the packet is not (yet) in the store or its
    /// bytes cannot be read.
    pub fn dissect(&self, i: usize, bytes: &mut Vec<u8>, d: &mut Dissection) -> bool {
        self.dissect_to(i, Depth::Tree, bytes, d)
    }

    /// `dissect` to `depth` only: workers that read values, not labels
    /// (filters, transactions), skip formatting them.
    pub fn dissect_to(&self, i: usize, depth: Depth, bytes: &mut Vec<u8>, d: &mut Dissection) -> bool {
        let store = self.store();
        let Some(meta) = FrameMeta::stored(&store, i) else { return false };
        if store.fetch(i, bytes).is_err() {
            return false;
        }
        d.comments.clear();
        d.comments.extend_from_slice(store.comments_of(i));
        let mut session = self.session();
        dissect_frame(&meta, bytes, &mut session, Pass::Revisit, depth, d);
        true
    }

    /// The stored records, read-locked: a reader of many packets locks once
    /// (two filter threads taking the lock per packet made its counter
    /// bounce between their cores).
    pub fn records(&self) -> Records<'_> {
        Records {
            briefs: self.brief.read().unwrap_or_else(|e| e.into_inner()),
            columns: self.columns.read().unwrap_or_else(|e| e.into_inner()),
        }
    }

    pub fn columns_mut(&self) -> RwLockWriteGuard<'_, Columns> {
        self.columns.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Packet `i`'s items of the fields `reading` wants, from `records`.
    /// False when a record is missing (the packet must be dissected).
    pub fn read_stored(records: &Records, i: usize, reading: &mut Reading, d: &mut Dissection) -> bool {
        d.clear();
        reading.decode(&records.briefs, &records.columns, i, &mut d.tree)
    }

    /// Packet `i` for a reader of the fields `reading` wants, if given:
    /// from `records` (`bytes` then empty), else dissected to `depth`.
    /// False when the packet cannot be read.
    pub fn read_for(
        &self,
        records: &Records,
        i: usize,
        reading: Option<&mut Reading>,
        depth: Depth,
        bytes: &mut Vec<u8>,
        d: &mut Dissection,
    ) -> bool {
        if reading.is_some_and(|r| Packets::read_stored(records, i, r, d)) {
            bytes.clear();
            return true;
        }
        self.dissect_to(i, depth, bytes, d)
    }
}

/// The brief records and the columns, read-locked together.
pub struct Records<'a> {
    briefs: RwLockReadGuard<'a, BriefStore>,
    columns: RwLockReadGuard<'a, Columns>,
}

impl Records<'_> {
    /// The fields of `fields` that have no column yet.
    pub fn missing(&self, fields: &[crate::field::Field]) -> Vec<crate::field::Field> {
        self.columns.missing(fields)
    }
}
