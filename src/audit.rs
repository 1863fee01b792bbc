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

use crate::db::schema::{audit_log, audit_subjects};
use crate::db::{Database, DbConn};
use crate::error::AppError;
use crate::models::{NewAuditEntry, UserId};

/// Entries queued before a reader waits for the writer to catch up.
const QUEUE_CAPACITY: usize = 50_000;
/// Most entries in one INSERT.
const BATCH_SIZE: usize = 500;
/// Attempts to write a batch before it is given up (and counted in the log).
const ATTEMPTS: u32 = 30;

/// Names an enumeration's values as the audit trail stores them.
macro_rules! audit_names {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value stored as `name`.
            pub fn named(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }
    };
}

audit_names!(
    /// What kind of record an entry is about, or showed.
    Entity {
        Member = "member",
        Case = "case",
        CaseEvent = "case_event",
        Deadline = "deadline",
        WorkloadRecord = "workload_record",
        User = "user",
        ApiKey = "api_key",
        Region = "region",
        Branch = "branch",
        Employer = "employer",
        Settings = "settings",
        Evidence = "evidence",
        EvidenceRelease = "evidence_release",
        Calendar = "calendar",
        Database = "database",
        Demo = "demo",
        Request = "request",
        Email = "email",
        Document = "document",
        Contact = "contact",
        SupervisionRecord = "supervision_record",
        Survey = "survey",
    }
);

audit_names!(
    /// What was done.
    Action {
        Read = "read",
        List = "list",
        Export = "export",
        Import = "import",
        ImportDryRun = "import_dry_run",
        Create = "create",
        Update = "update",
        Delete = "delete",
        Erase = "erase",
        Retention = "retention",
        Backup = "backup",
        Seed = "seed",
        Publish = "publish",
        Withdraw = "withdraw",
        SignIn = "sign_in",
        SignInFailed = "sign_in_failed",
        SignOut = "sign_out",
        SessionsRevoked = "sessions_revoked",
        PasswordChanged = "password_change",
        CalendarIssued = "calendar_issued",
        CalendarRevoked = "calendar_revoked",
        Revoke = "revoke",
        Send = "send",
        SendFailed = "send_failed",
        NotFound = "not_found",
    }
);

audit_names!(
    /// A job the system runs with no one signed in.
    Job {
        Retention = "retention",
        CommandLine = "command_line",
        Demo = "demo",
        Seed = "seed",
        Reminders = "reminders",
    }
);

audit_names!(
    /// A capability link: whoever holds its secret address acts through it.
    Link {
        Calendar = "calendar",
    }
);

/// Who acted: a signed-in user, a job of the system, the holder of a user's capability link,
/// or no one known (a failed sign-in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    User(UserId),
    System(Job),
    Link(Link, UserId),
    Anonymous,
}

impl Principal {
    /// The user the entry is recorded under: the user acting, or the one whose link was used.
    pub fn user_id(self) -> Option<UserId> {
        match self {
            Self::User(id) | Self::Link(_, id) => Some(id),
            Self::System(_) | Self::Anonymous => None,
        }
    }

    /// As the trail stores it: `user`, `system:retention`, `link:calendar`, `anonymous`.
    pub fn as_text(self) -> String {
        match self {
            Self::User(_) => "user".into(),
            Self::System(job) => format!("system:{}", job.as_str()),
            Self::Link(link, _) => format!("link:{}", link.as_str()),
            Self::Anonymous => "anonymous".into(),
        }
    }

    /// A user when there is one; otherwise the command line (an import or task run there).
    pub fn user_or_command_line(user: Option<UserId>) -> Self {
        user.map_or(Self::System(Job::CommandLine), Self::User)
    }
}

impl From<UserId> for Principal {
    fn from(id: UserId) -> Self {
        Self::User(id)
    }
}

/// What was done to which record, by whom, and every record it showed or changed (its
/// subjects). `detail` holds counts and field names, never names or text.
pub struct Event {
    pub principal: Principal,
    pub action: Action,
    pub entity: Entity,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
    pub subjects: Vec<(Entity, i64)>,
}

impl Event {
    pub fn new(principal: impl Into<Principal>, action: Action, entity: Entity) -> Self {
        Self {
            principal: principal.into(),
            action,
            entity,
            entity_id: None,
            detail: None,
            subjects: Vec::new(),
        }
    }

    /// The record the entry is about (also one of its subjects).
    pub(crate) fn id(mut self, id: i64) -> Self {
        self.entity_id = Some(id);
        self.subjects.push((self.entity, id));
        self
    }

    /// Records the entry showed or changed besides its own (a list's rows, a case's member).
    pub(crate) fn shows(mut self, entity: Entity, ids: impl IntoIterator<Item = i64>) -> Self {
        self.subjects.extend(ids.into_iter().map(|id| (entity, id)));
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn into_entry(self) -> Entry {
        let mut subjects = self.subjects;
        subjects.sort_unstable_by_key(|(entity, id)| (entity.as_str(), *id));
        subjects.dedup();
        Entry {
            row: NewAuditEntry {
                at: Utc::now().naive_utc(),
                user_id: self.principal.user_id(),
                principal: self.principal.as_text(),
                action: self.action.as_str().into(),
                entity: self.entity.as_str().into(),
                entity_id: self.entity_id,
                detail: self.detail,
            },
            subjects,
        }
    }
}

/// An entry as written: its row and its subjects.
struct Entry {
    row: NewAuditEntry,
    subjects: Vec<(Entity, i64)>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_subjects)]
struct NewSubject {
    entry_id: i64,
    entity: &'static str,
    entity_id: i64,
}

/// Writes one entry and its subjects on `conn`.
fn insert(conn: &mut DbConn, entry: &Entry) -> Result<(), AppError> {
    let id: i64 = diesel::insert_into(audit_log::table)
        .values(&entry.row)
        .returning(audit_log::id)
        .get_result::<crate::models::AuditEntryId>(conn)?
        .0;
    let rows: Vec<NewSubject> = entry
        .subjects
        .iter()
        .map(|(entity, entity_id)| NewSubject {
            entry_id: id,
            entity: entity.as_str(),
            entity_id: *entity_id,
        })
        .collect();
    for chunk in rows.chunks(SUBJECTS_PER_INSERT) {
        crate::db_run!(conn, {
            diesel::insert_into(audit_subjects::table)
                .values(chunk)
                .execute(conn)?;
        });
    }
    Ok(())
}

/// Subject rows per INSERT (well under both backends' limits on bound parameters).
const SUBJECTS_PER_INSERT: usize = 1000;

/// Records a write's audit entry on the write's own connection (inside its transaction).
pub fn record(conn: &mut DbConn, event: Event) -> Result<(), AppError> {
    insert(conn, &event.into_entry())
}

enum Message {
    Entry(Entry),
    Flush(mpsc::Sender<()>),
}

/// The background writer of read entries.
pub struct Auditor {
    sender: Mutex<Option<SyncSender<Message>>>,
    worker: Mutex<Option<JoinHandle<()>>>,
    /// Read entries queued and not yet written (for monitoring).
    pending: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Auditor {
    pub(crate) fn start(db: Database) -> Self {
        let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY);
        let pending = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let written = std::sync::Arc::clone(&pending);
        let worker = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || run_writer(&db, &receiver, &written))
            .expect("spawn the audit writer");
        Self {
            sender: Mutex::new(Some(sender)),
            worker: Mutex::new(Some(worker)),
            pending,
        }
    }

    /// Queues a read. Blocks only when the queue is full (call from blocking code).
    pub(crate) fn read(&self, event: Event) {
        self.pending
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.send(Message::Entry(event.into_entry()));
    }

    /// How many read entries are queued and not yet written.
    pub fn pending(&self) -> usize {
        self.pending.load(std::sync::atomic::Ordering::Relaxed)
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

fn run_writer(
    db: &Database,
    receiver: &Receiver<Message>,
    pending: &std::sync::atomic::AtomicUsize,
) {
    let mut batch = Vec::with_capacity(BATCH_SIZE);
    let mut waiting = Vec::new();
    let write = |batch: &mut Vec<Entry>| {
        let count = batch.len();
        write_batch(db, batch);
        pending.fetch_sub(count, std::sync::atomic::Ordering::Relaxed);
    };
    // Blocks for the first message, then takes whatever else is already queued.
    while let Ok(first) = receiver.recv() {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Entry(entry) => batch.push(entry),
                Message::Flush(done) => waiting.push(done),
            }
            if batch.len() >= BATCH_SIZE {
                write(&mut batch);
            }
            next = receiver.try_recv().ok();
        }
        write(&mut batch);
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}

fn write_batch(db: &Database, batch: &mut Vec<Entry>) {
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

fn insert_many(conn: &mut DbConn, batch: &[Entry]) -> Result<(), AppError> {
    for entry in batch {
        insert(conn, entry)?;
    }
    Ok(())
}

/// The audit entry for a list that showed these records (one entry per page, each record a
/// subject); `None` when nothing was shown.
pub(crate) fn listed(
    actor: UserId,
    entity: Entity,
    ids: impl IntoIterator<Item = i64>,
) -> Option<Event> {
    listed_as(actor, entity, "", ids)
}

/// As [`listed`], saying what the list was (`deadlines`: the cases of the deadlines shown).
pub(crate) fn listed_as(
    actor: UserId,
    entity: Entity,
    what: &str,
    ids: impl IntoIterator<Item = i64>,
) -> Option<Event> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what} ")
    };
    (!ids.is_empty()).then(|| {
        Event::new(actor, Action::List, entity)
            .detail(format!("{what}count={}", ids.len()))
            .shows(entity, ids)
    })
}

/// Records, in the write's transaction, every record a bulk write touched (an import, an
/// export) as subjects of one entry, so the trail names each record.
pub(crate) fn record_ids(
    conn: &mut DbConn,
    principal: Principal,
    action: Action,
    entity: Entity,
    what: &str,
    ids: &[i64],
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what} ")
    };
    record(
        conn,
        Event::new(principal, action, entity)
            .detail(format!("{what}count={}", ids.len()))
            .shows(entity, ids.iter().copied()),
    )
}
