"""`supabase db push` (the real CLI) stops at a refusing guard like `sessionkit db push` does, and
continues once the backfills its guards need have run (issue 12); the others follow the push."""

from __future__ import annotations

import pytest

from sessionkit import stack
from sessionkit.config import Project, Target
from sessionkit.errors import SessionkitError
from sessionkit.supabase_cli import run_supabase
from tests.legacy import (
    applied,
    legacy_copy,
    resolve_conflicts,
    resolve_credits,
    run,
    run_all,
    without_duplicate_subscriptions,
)


def test_supabase_db_push_stops_at_the_guard_and_continues_after_the_backfills(
    project: Project, db_url: str, legacy_template: str
) -> None:
    with legacy_copy(db_url, legacy_template) as url:
        without_duplicate_subscriptions(url)
        with pytest.raises(SessionkitError):
            run_supabase(project, url, "db", "push", "--yes")
        assert applied(url, "20261127140100") and not applied(url, "20261127140200")

        run_all(project, url)  # those written for the triggers present (the previous release's)
        resolve_conflicts(url)
        run_all(project, url)
        run_supabase(project, url, "db", "push", "--yes")
        assert stack.push_target(project, Target(url=url, is_local=True)) == [], "nothing left for sessionkit"
        assert set(run_all(project, url)) >= {"subscription_links", "cancellations"}, "the rest, after it"
        resolve_credits(url)
        run(project, url, "cancellations")
