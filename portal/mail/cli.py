"""`flask outbox work`, `flask outbox status` and `flask outbox retry`."""

import logging
import re
import signal
from datetime import timedelta

import click
from flask.cli import AppGroup

from portal.db import utcnow
from portal.extensions import db
from portal.mail import services, worker
from portal.urls import MAX_ID

outbox_cli = AppGroup("outbox", help="Deliver and inspect the outbox.")


@outbox_cli.command("work")
@click.option("--until-empty", is_flag=True, help="Stop when no message is due instead of waiting for more.")
@click.option("--batch-size", type=int, default=None, help="Messages claimed per batch (OUTBOX_BATCH_SIZE).")
@click.option("--poll", type=float, default=None, help="Seconds to wait when nothing is due (OUTBOX_POLL_SECONDS).")
def work_command(until_empty, batch_size, poll):
    """Deliver queued mail with retries, until stopped (or until nothing is due)."""
    from flask import current_app

    if batch_size:
        current_app.config["OUTBOX_BATCH_SIZE"] = batch_size
    if not logging.getLogger().handlers:  # a service's log: one timestamped line per event, unless set up already
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stopping = []
    # On SIGTERM or SIGINT finish the batch in hand, then stop: nothing is left half-recorded.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    transport = "SMTP " + current_app.config["MAIL_SERVER"] if current_app.config.get("MAIL_SERVER") else "mailbox"
    click.echo(f"outbox worker: delivering to {transport}", err=True)
    totals = worker.work(until_empty=until_empty, poll_seconds=poll, stop=lambda: bool(stopping))
    click.echo(f"sent {totals.sent}, retried {totals.retried}, failed {totals.failed}, dead {totals.dead}")


@outbox_cli.command("status")
def status_command():
    """Print how many messages are in each state."""
    for status, count in services.outbox_counts().items():
        click.echo(f"{status:8} {count}")


class Age(click.ParamType):
    """How long ago, as a number and a unit: 90s, 30m, 2h, 3d, 1w."""

    name = "age"
    UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

    def convert(self, value, param, ctx):
        if isinstance(value, timedelta):
            return value
        match = re.fullmatch(r"\s*(\d{1,7})\s*([smhdw])\s*", str(value).lower())
        if not match:
            self.fail(f"{value!r} is not an age such as 90s, 30m, 2h, 3d or 1w", param, ctx)
        age = timedelta(seconds=int(match[1]) * self.UNITS[match[2]])
        try:
            utcnow() - age
        except OverflowError:
            self.fail(f"{value!r} is longer ago than any message", param, ctx)
        return age


@outbox_cli.command("retry")
@click.option("--status", "statuses", type=click.Choice(["dead", "failed"]), multiple=True, default=["dead"],
              show_default=True, help="Which messages: given up after their last attempt (dead), or refused by the "
                                      "mail server (failed). Repeatable.")
@click.option("--id", "ids", type=click.IntRange(1, MAX_ID), multiple=True, help="Only this message. Repeatable.")
@click.option("--since", type=Age(), help="Only messages queued less than this long ago, e.g. 2h or 3d.")
@click.option("--older-than", type=Age(), help="Only messages queued more than this long ago, e.g. 1d.")
def retry_command(statuses, ids, since, older_than):
    """Queue dead (or failed) messages again, with their attempts reset; print how many."""
    now = utcnow()
    count = services.retry_messages(statuses=statuses, ids=ids,
                                    queued_since=None if since is None else now - since,
                                    queued_before=None if older_than is None else now - older_than)
    db.session.commit()
    click.echo(f"queued again: {count}")
