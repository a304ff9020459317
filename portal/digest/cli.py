"""`flask digest send`: the weekly digest, for cron (run it as often as you like: each person gets one a week)."""

import click
from flask.cli import AppGroup

from portal.digest import services

digest_cli = AppGroup("digest", help="The weekly digest.")


class Week(click.ParamType):
    """An ISO week, as 2026-W49."""

    name = "week"

    def convert(self, value, param, ctx):
        try:
            return services.parse_week(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO week such as 2026-W49", param, ctx)


@digest_cli.command("send")
@click.option("--week", type=Week(), default=None,
              help="The ISO week, as 2026-W49 (default: this week in Bangkok). One digest per person and week.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=services.BATCH_SIZE, show_default=True,
              help="People read and committed at a time.")
def send_command(week, batch_size):
    """Queue this week's digest for everyone who wants it and has something to read."""
    week = week or services.current_week()
    totals = services.send_week(week, batch_size=batch_size)
    click.echo(f"digest {week}: sent {totals.sent}, nothing to say {totals.nothing_to_say}, "
               f"opted out {totals.opted_out}, sent before {totals.already_sent}")
