/*
 * azora_commit_delay.c — TEST-ONLY PostgreSQL module: widens race R1 of azora_opt's result
 * cache (docs/extension/cache.md, "Consistency") from microseconds to seconds.
 *
 * A transaction that wrote something (has an XID) sleeps azora_commit_delay.sleep_ms inside its
 * XACT_EVENT_COMMIT callback. In PostgreSQL 15's CommitTransaction (src/backend/access/transam/
 * xact.c) the order is: CallXactCallbacks(XACT_EVENT_PRE_COMMIT); RecordTransactionCommit();
 * ProcArrayEndTransaction() -- from here new snapshots see the commit --; then
 * CallXactCallbacks(XACT_EVENT_COMMIT). So while this callback sleeps, the commit is visible to
 * everybody and the writer still holds its locks.
 *
 * Callback order. RegisterXactCallback prepends to the list (item->next = Xact_callbacks;
 * Xact_callbacks = item) and CallXactCallbacks walks it from the head, so the callback
 * registered LAST runs FIRST. azora_opt registers its callback in _PG_init (extension/hooks/
 * dispatcher.cpp, install()); with shared_preload_libraries = 'azora_opt,azora_commit_delay'
 * this module's _PG_init runs after it, so at COMMIT this sleep runs BEFORE azora_opt's COMMIT
 * callback: exactly the window between "commit visible" and azora_opt's COMMIT-time work. (Checked
 * against PostgreSQL 15's xact.c: RegisterXactCallback, CallXactCallbacks, CommitTransaction.)
 * Loaded before azora_opt, the sleep would come after azora_opt's callback and prove nothing;
 * test/sh/cache_r1.sh checks the order.
 *
 * Only transactions with an XID sleep: not read-only ones, and not the SET that turns the delay
 * on (its own commit sees the new value already). The sleep is bounded (GUC maximum 60 s),
 * reports the wait event PgSleep (Timeout) so a test can see it in pg_stat_activity, and ends
 * early if the postmaster dies. Interrupts are held during COMMIT callbacks, so a cancel or a
 * fast shutdown waits for the sleep to end.
 *
 * Never installed by the project's normal build; test/sh/cache_r1.sh builds and installs it.
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/pmsignal.h"
#include "utils/guc.h"
#include "utils/wait_event.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static int	commit_sleep_ms = 0;

static void
commit_delay_xact_callback(XactEvent event, void *arg)
{
	long		remaining_us;

	if (event != XACT_EVENT_COMMIT || commit_sleep_ms <= 0)
		return;
	/* XactTopFullTransactionId is reset only after the COMMIT callbacks. */
	if (!TransactionIdIsValid(GetTopTransactionIdIfAny()))
		return;

	remaining_us = (long) commit_sleep_ms * 1000L;
	pgstat_report_wait_start(WAIT_EVENT_PG_SLEEP);
	while (remaining_us > 0 && PostmasterIsAlive())
	{
		long		step_us = Min(remaining_us, 10000L);

		pg_usleep(step_us);
		remaining_us -= step_us;
	}
	pgstat_report_wait_end();
}

void
_PG_init(void)
{
	DefineCustomIntVariable("azora_commit_delay.sleep_ms",
							"TEST ONLY: sleep this long in XACT_EVENT_COMMIT of a writing transaction.",
							"The sleep happens after the commit is visible to other sessions "
							"and before the COMMIT callbacks of libraries loaded earlier.",
							&commit_sleep_ms,
							0, 0, 60000,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("azora_commit_delay");
	RegisterXactCallback(commit_delay_xact_callback, NULL);
}
