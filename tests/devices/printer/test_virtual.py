import pytest
from PIL import Image

from devices.printer import PaperOut, PrinterUnavailable, VirtualPrinter, decode_text, open_printer, render_ticket


def test_it_writes_the_bytes_and_a_png_preview_per_job(tmp_path, ticket):
    p = VirtualPrinter(tmp_path)
    data = render_ticket(ticket, 58)
    result = p.print_job("kiosk1-A023", data)
    assert result.ok and result.status_before.paper == "ok"
    assert (tmp_path / "kiosk1-A023.bin").read_bytes() == data
    assert "A023" in decode_text((tmp_path / "kiosk1-A023.bin").read_bytes())
    with Image.open(tmp_path / "kiosk1-A023.png") as img:
        assert img.width > 384


def test_out_of_paper_refuses_and_writes_nothing(tmp_path, ticket):
    p = VirtualPrinter(tmp_path, out_of_paper=True)
    assert p.status().paper == "out"
    with pytest.raises(PaperOut):
        p.print_job("j1", render_ticket(ticket))
    assert list(tmp_path.iterdir()) == []


def test_offline_refuses(tmp_path, ticket):
    p = VirtualPrinter(tmp_path)
    p.offline = True
    with pytest.raises(PrinterUnavailable):
        p.print_job("j1", render_ticket(ticket))


def test_a_retried_job_is_not_printed_twice(tmp_path, ticket):
    p = VirtualPrinter(tmp_path)
    p.print_job("j1", render_ticket(ticket))
    (tmp_path / "j1.bin").unlink()
    assert p.print_job("j1", render_ticket(ticket)).duplicate
    assert not (tmp_path / "j1.bin").exists()


def test_job_ids_cannot_escape_the_folder(tmp_path, ticket):
    p = VirtualPrinter(tmp_path / "out")
    with pytest.raises(ValueError):
        p.print_job("../evil", render_ticket(ticket))


def test_open_printer_picks_the_virtual_printer_by_url(tmp_path):
    assert isinstance(open_printer(f"virtual://{tmp_path}"), VirtualPrinter)
