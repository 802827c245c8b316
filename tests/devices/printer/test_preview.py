import io
import os

import numpy as np
import pytest
from PIL import Image

from devices.printer import decode_text, extract_qr_payloads, preview_png, render_preview, render_ticket
from devices.printer import preview as preview_module

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


@pytest.mark.parametrize("paper_mm,width", [(58, 384), (80, 576)])
def test_the_preview_is_a_png_as_wide_as_the_paper_and_not_blank(ticket, paper_mm, width):
    png = preview_png(render_ticket(ticket, paper_mm), paper_mm)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(png))
    assert img.width == width + 2 * preview_module.MARGIN
    assert 600 < img.height < 3000  # a ticket, not a strip and not a scroll
    dark = (np.asarray(img.convert("L")) < 128).mean()
    assert 0.03 < dark < 0.5


def test_the_qr_code_in_the_preview_scans_to_the_track_url(ticket):
    import cv2

    img = np.asarray(render_preview(render_ticket(ticket, 58), 58).convert("L"))
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(img)
    assert text == ticket.track_url


def test_the_big_number_is_drawn_in_the_top_part_of_the_ticket(ticket):
    img = np.asarray(render_preview(render_ticket(ticket, 58), 58).convert("L"))
    rows_dark = (img < 128).sum(axis=1)
    # The number at 8x is 192 dots tall and nearly the full width: the darkest band by far.
    top = rows_dark[: img.shape[0] // 3]
    assert top.max() > 0.4 * 384


@pytest.mark.skipif(not os.path.exists(CJK_FONT), reason="fonts-noto-cjk not installed")
def test_chinese_is_drawn_with_the_cjk_font_not_as_boxes():
    data = b"\x1b@\x1c&" + "前".encode("gb18030") + b"\n"
    font = preview_module._font(20)
    assert CJK_FONT in getattr(font, "path", "")
    img = np.asarray(render_preview(data, 58).convert("L"))
    assert (img < 128).sum() > 40


def test_a_missing_font_falls_back_without_failing(ticket, monkeypatch, request):
    monkeypatch.setattr(preview_module, "FONT_PATHS", ["/nonexistent/font.ttc"])
    monkeypatch.setattr(preview_module, "_font_cache", {})
    preview_module._glyph.cache_clear()
    request.addfinalizer(preview_module._glyph.cache_clear)
    img = Image.open(io.BytesIO(preview_png(render_ticket(ticket, 58), 58)))
    assert (np.asarray(img.convert("L")) < 128).mean() > 0.01  # Latin and the QR still show


def test_decode_text_reads_plain_text_outside_chinese_mode():
    assert decode_text(b"\x1b@Hello\n\x1b\x61\x01World\n") == "Hello\nWorld"


def test_decode_text_keeps_four_byte_gb18030_characters_whole():
    data = b"\x1b@\x1c&" + "𠮷星".encode("gb18030") + b"\n"
    assert decode_text(data) == "𠮷星"


def test_unknown_commands_do_not_break_the_preview():
    data = b"\x1b@\x1bt\x00\x1dB\x01Hi\n\x1d\x56\x00"
    assert decode_text(data) == "Hi"
    assert render_preview(data, 80).width > 0


def test_qr_payloads_are_read_from_gs_k_store_commands():
    from devices.printer.layout import qr_code

    data = qr_code("https://a.example/1", 4) + qr_code("二维码", 4)
    assert extract_qr_payloads(data) == ["https://a.example/1", "二维码"]
