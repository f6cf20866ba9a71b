"""A rich progress bar for the command line, driven by a service's `progress(done, of,
what)` callback (governance.progress): one bar, relabelled as the work moves on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.governance.progress import Progress as Callback


@contextmanager
def progress_bar(console: Console) -> Iterator[Callback]:
    """Yield a callback that shows how far the work has got; the bar goes when done."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None)

        def tell(done: int, of: int, what: str) -> None:
            bar.update(task, description=what, completed=done, total=of or None)

        yield tell
