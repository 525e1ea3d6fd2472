"""The phone-vote server: participants vote blind from their own phones, through the laptop.

Importing this package costs nothing: the web stack (Starlette, uvicorn, Jinja2) is imported only by
`workshop.web.app` and `workshop.web.server`, which only serving needs. `workshop.web.ballots` (what
a phone may see, who has voted) and `workshop.web.qr` (the join link as a terminal QR code) stay
importable by the CLI and the facilitator's app without it.
"""
