"""The gateway's durable state on the hall PC: a SQLite file that survives a restart.

- ``outbox``: reports (pad presses, health changes) written *before* they are sent and deleted
  when the server acknowledges them, so a press made while the network is down is delivered later,
  and one whose ack was lost is sent again (the server's inbox applies it once).
- ``executed``: ids of commands already executed, with their outcome, so a command the server
  sends again after a lost ack is acknowledged again without running twice.

One short connection per call keeps it safe from several threads.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path


class GatewayStore:
    def __init__(self, path: str | Path):
        self.path = str(path)
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        try:
            with db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, body TEXT NOT NULL, "
                           "created REAL NOT NULL)")
                db.execute("CREATE TABLE IF NOT EXISTS executed (id TEXT PRIMARY KEY, result TEXT NOT NULL, "
                           "at REAL NOT NULL)")
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10.0)

    def _run(self, sql: str, args=()):
        db = self._connect()
        try:
            with db:
                return db.execute(sql, args).fetchall()
        finally:
            db.close()

    # -- outbox --------------------------------------------------------------------------
    def add_report(self, kind: str, **fields) -> dict:
        report = {"type": "report", "id": str(uuid.uuid4()), "kind": kind, "at": time.time(), **fields}
        self._run("INSERT INTO outbox (id, body, created) VALUES (?, ?, ?)",
                  (report["id"], json.dumps(report, ensure_ascii=False), report["at"]))
        return report

    def pending_reports(self) -> list[dict]:
        return [json.loads(b) for (b,) in self._run("SELECT body FROM outbox ORDER BY created, rowid")]

    def ack_report(self, report_id: str) -> None:
        self._run("DELETE FROM outbox WHERE id = ?", (report_id,))

    # -- executed commands ---------------------------------------------------------------
    def executed(self, command_id: str) -> dict | None:
        rows = self._run("SELECT result FROM executed WHERE id = ?", (command_id,))
        return json.loads(rows[0][0]) if rows else None

    def mark_executed(self, command_id: str, outcome: dict) -> None:
        self._run("INSERT OR REPLACE INTO executed (id, result, at) VALUES (?, ?, ?)",
                  (command_id, json.dumps(outcome, ensure_ascii=False), time.time()))

    def executed_count(self) -> int:
        return self._run("SELECT COUNT(*) FROM executed")[0][0]

    def prune(self, older_than_s: float = 7 * 86400) -> None:
        self._run("DELETE FROM executed WHERE at < ?", (time.time() - older_than_s,))
