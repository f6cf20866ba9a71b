"""The background worker's own bookkeeping: its heartbeat, and what happens to a task
whose worker died (docs/decisions/0005-background-tasks.md)."""
