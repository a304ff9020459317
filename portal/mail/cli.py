"""`flask outbox work` and `flask outbox status`."""

import logging
import signal

import click
from flask.cli import AppGroup

from portal.mail import services, worker

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
