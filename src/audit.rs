//! The audit trail. Writes are audited inside their own transaction ([`record`]), so a change
//! and its audit entry land together or not at all. Reads are many, so they go through a
//! bounded queue to one background writer that inserts them in batches ([`Auditor`]); the
//! queue is drained on shutdown and can be flushed on demand.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;

use crate::db::schema::audit_log;
use crate::db::{Database, DbConn};
use crate::error::AppError;
use crate::models::{NewAuditEntry, UserId};

/// Entries queued before a reader waits for the writer to catch up.
const QUEUE_CAPACITY: usize = 50_000;
/// Most entries in one INSERT.
const BATCH_SIZE: usize = 500;
/// Attempts to write a batch before it is given up (and counted in the log).
const ATTEMPTS: u32 = 30;

/// What was done to which record. `detail` holds ids and field names, never names or text.
pub struct Event {
    pub actor: Option<UserId>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
}

impl Event {
    pub fn new(actor: Option<UserId>, action: &'static str, entity: &'static str) -> Self {
        Self {
            actor,
            action,
            entity,
            entity_id: None,
            detail: None,
        }
    }

    pub(crate) fn id(mut self, id: i64) -> Self {
        self.entity_id = Some(id);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn into_entry(self) -> NewAuditEntry {
        NewAuditEntry {
            at: Utc::now().naive_utc(),
            user_id: self.actor,
            action: self.action.into(),
            entity: self.entity.into(),
            entity_id: self.entity_id,
            detail: self.detail,
        }
    }
}

/// Records a write's audit entry on the write's own connection (inside its transaction).
pub fn record(conn: &mut DbConn, event: Event) -> Result<(), AppError> {
    diesel::insert_into(audit_log::table)
        .values(event.into_entry())
        .execute(conn)?;
    Ok(())
}

enum Message {
    Entry(NewAuditEntry),
    Flush(mpsc::Sender<()>),
}

/// The background writer of read entries.
pub struct Auditor {
    sender: Mutex<Option<SyncSender<Message>>>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl Auditor {
    pub(crate) fn start(db: Database) -> Self {
        let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY);
        let worker = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || run_writer(&db, &receiver))
            .expect("spawn the audit writer");
        Self {
            sender: Mutex::new(Some(sender)),
            worker: Mutex::new(Some(worker)),
        }
    }

    /// Queues a read. Blocks only when the queue is full (call from blocking code).
    pub(crate) fn read(&self, event: Event) {
        self.send(Message::Entry(event.into_entry()));
    }

    /// Waits until every entry queued so far is in the database.
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        self.send(Message::Flush(done));
        let _ = wait.recv();
    }

    /// Drains the queue and stops the writer; later reads are logged as lost.
    pub fn shutdown(&self) {
        let sender = self.lock_sender().take();
        drop(sender);
        let worker = self.worker.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(worker) = worker {
            let _ = worker.join();
        }
    }

    fn send(&self, message: Message) {
        let sender = self.lock_sender().clone();
        match sender {
            Some(sender) if sender.send(message).is_ok() => {}
            _ => tracing::error!("audit writer stopped; an audit entry was lost"),
        }
    }

    fn lock_sender(&self) -> std::sync::MutexGuard<'_, Option<SyncSender<Message>>> {
        self.sender.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Auditor {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run_writer(db: &Database, receiver: &Receiver<Message>) {
    let mut batch = Vec::with_capacity(BATCH_SIZE);
    let mut waiting = Vec::new();
    // Blocks for the first message, then takes whatever else is already queued.
    while let Ok(first) = receiver.recv() {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Entry(entry) => batch.push(entry),
                Message::Flush(done) => waiting.push(done),
            }
            if batch.len() >= BATCH_SIZE {
                write_batch(db, &mut batch);
            }
            next = receiver.try_recv().ok();
        }
        write_batch(db, &mut batch);
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

fn write_batch(db: &Database, batch: &mut Vec<NewAuditEntry>) {
    if batch.is_empty() {
        return;
    }
    for attempt in 1..=ATTEMPTS {
        let result = db
            .get()
            .and_then(|mut conn| db.write_with(&mut conn, |conn| insert_many(conn, batch)));
        match result {
            Ok(()) => {
                batch.clear();
                return;
            }
            Err(error) => {
                tracing::warn!(?error, attempt, "audit batch not written yet");
                std::thread::sleep(Duration::from_millis(200 * u64::from(attempt.min(10))));
            }
        }
    }
    tracing::error!(lost = batch.len(), "audit entries could not be written");
    batch.clear();
}

fn insert_many(conn: &mut DbConn, batch: &[NewAuditEntry]) -> Result<(), AppError> {
    crate::db_run!(conn, {
        diesel::insert_into(audit_log::table)
            .values(batch)
            .execute(conn)?;
    });
    Ok(())
}

/// The audit entry for a list that showed these records (one entry per page, ids in detail);
/// `None` when nothing was shown.
pub(crate) fn listed(
    actor: UserId,
    entity: &'static str,
    ids: impl IntoIterator<Item = i64>,
) -> Option<Event> {
    listed_as(actor, entity, "", ids)
}

/// As [`listed`], saying what the list was (`deadlines`: the cases of the deadlines shown).
pub(crate) fn listed_as(
    actor: UserId,
    entity: &'static str,
    what: &str,
    ids: impl IntoIterator<Item = i64>,
) -> Option<Event> {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what} ")
    };
    (!ids.is_empty()).then(|| {
        Event::new(Some(actor), "list", entity).detail(format!("{what}ids={}", ids.join(",")))
    })
}

/// Ids per entry when one write touches many records.
pub const IDS_PER_ENTRY: usize = 500;

/// Records, in the write's transaction, every id a bulk write touched (an import, an export),
/// in entries of at most [`IDS_PER_ENTRY`] ids, so the trail names each record.
pub(crate) fn record_ids(
    conn: &mut DbConn,
    actor: Option<UserId>,
    action: &'static str,
    entity: &'static str,
    what: &str,
    ids: &[i64],
) -> Result<(), AppError> {
    for chunk in ids.chunks(IDS_PER_ENTRY) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        record(
            conn,
            Event::new(actor, action, entity).detail(format!("{what} ids={}", list.join(","))),
        )?;
    }
    Ok(())
}
