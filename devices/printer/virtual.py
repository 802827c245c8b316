"""VirtualPrinter: the embedded demo's printer, a folder of tickets.

Same interface as EscPosPrinter.  Each job leaves ``<job_id>.bin`` (the exact
ESC/POS bytes) and ``<job_id>.png`` (the preview drawn from those bytes).  It
can be told to be out of paper or offline so the demo shows the on-screen
fallback.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from .driver import MemoryJournal, PaperOut, PrinterUnavailable, PrintJournal, PrintResult
from .status import PrinterStatus

_SAFE_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class VirtualPrinter:
    def __init__(
        self,
        folder: str | Path,
        paper_mm: int = 58,
        out_of_paper: bool = False,
        offline: bool = False,
        paper_low: bool = False,
        journal: PrintJournal | None = None,
        write_preview: bool = True,
    ):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.url = f"virtual://{self.folder}"
        self.paper_mm = paper_mm
        self.out_of_paper = out_of_paper
        self.offline = offline
        self.paper_low = paper_low
        self.journal = journal if journal is not None else MemoryJournal()
        self.write_preview = write_preview
        self._lock = threading.Lock()

    def status(self) -> PrinterStatus:
        if self.offline:
            return PrinterStatus(online=False, paper="unknown", detail="offline (virtual)")
        if self.out_of_paper:
            return PrinterStatus(online=False, paper="out", detail="offline, paper out (virtual)")
        paper = "low" if self.paper_low else "ok"
        return PrinterStatus(online=True, paper=paper, detail="paper low" if self.paper_low else "ready")

    def paths(self, job_id: str) -> tuple[Path, Path]:
        if not _SAFE_JOB_ID.match(job_id):
            # The job id becomes a file name: no slashes, no dot-dot.
            raise ValueError(f"job id not usable as a file name: {job_id!r}")
        return self.folder / f"{job_id}.bin", self.folder / f"{job_id}.png"

    def print_job(self, job_id: str, data: bytes) -> PrintResult:
        bin_path, png_path = self.paths(job_id)
        with self._lock:
            if self.journal.is_done(job_id):
                return PrintResult(job_id, True, None, None, duplicate=True)
            before = self.status()
            if before.paper == "out":
                raise PaperOut(f"{self.url} is out of paper", before)
            if not before.online:
                raise PrinterUnavailable(f"{self.url} is not ready: {before.detail}", before)
            bin_path.write_bytes(data)
            if self.write_preview:
                from .preview import preview_png

                png_path.write_bytes(preview_png(data, self.paper_mm))
            self.journal.mark_done(job_id)
            return PrintResult(job_id, True, before, self.status())
