"""The join link as a QR code made of text, for the terminal and the facilitator's app.

Imports only segno, and only when a code is drawn. Each character holds two modules stacked with
the half blocks ▀ ▄ █, so a join link fits in about 40 columns and 20 lines.
"""

from __future__ import annotations

# (top, bottom) module drawn? -> the character that draws it
_HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_lines(text: str, *, on_dark: bool = True, border: int = 2) -> list[str]:
    """The QR code of `text` as lines of equal width.

    A scanner wants dark modules on a light ground. `on_dark=True` (the usual terminal: light text on
    a dark background) draws the light modules and the quiet zone, so the dark modules are the
    terminal's own background; `on_dark=False` draws the dark modules, for light backgrounds.
    """
    import segno

    code = segno.make(text, error="m", micro=False)
    rows = [[bool(module) != on_dark for module in row] for row in code.matrix_iter(scale=1, border=border)]
    if len(rows) % 2:
        rows.append([on_dark] * len(rows[0]))  # the quiet zone goes on below
    return ["".join(_HALF_BLOCKS[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(rows[::2], rows[1::2], strict=True)]
