"""rnntui's two themes, made of xterm-256 palette colours.

Over SSH many terminals have 256 colours, not 24-bit: Rich then rounds every colour to the
nearest palette entry, and near-equal shades (a panel one step lighter than the background)
collapse into one. Picking the palette's own greys (8 + 10·k) and cube colours (0, 95, 135,
175, 215, 255 per channel) keeps every surface, border and highlight distinct.
"""

from __future__ import annotations

from textual.theme import Theme

DARK = Theme(
    name="rnntui-dark",
    primary="#5fafd7",  # 74
    secondary="#87afd7",  # 110
    accent="#d7af5f",  # 179
    warning="#ffaf5f",  # 215
    error="#ff5f5f",  # 203
    success="#87d787",  # 114
    foreground="#d0d0d0",  # 252
    background="#1c1c1c",  # 234
    surface="#262626",  # 235
    panel="#3a3a3a",  # 237
    boost="#303030",
    dark=True,
    variables={
        "block-cursor-background": "#005f87",  # 24: a cursor row reads as a solid bar
        "block-cursor-foreground": "#ffffff",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#d7af5f",
        "input-selection-background": "#005f87",
        "pane-border": "#626262",  # 241: a resting pane's frame, clearly above the surface
    },
)

LIGHT = Theme(
    name="rnntui-light",
    primary="#005f87",  # 24
    secondary="#0087af",  # 31
    accent="#875f00",  # 94
    warning="#af5f00",  # 130
    error="#af0000",  # 124
    success="#005f00",  # 22
    foreground="#1c1c1c",  # 234
    background="#eeeeee",  # 255
    surface="#e4e4e4",  # 254
    panel="#d0d0d0",  # 252
    boost="#dadada",
    dark=False,
    variables={
        "block-cursor-background": "#5fafd7",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#005f87",
        "input-selection-background": "#87d7ff",
        "pane-border": "#8a8a8a",  # 245
    },
)

THEMES = (DARK, LIGHT)

# Curve colours, distinct in 256 colours and on either background: blue, orange, green,
# magenta, yellow, cyan (exact xterm cube entries).
SERIES_COLOURS: tuple[tuple[int, int, int], ...] = (
    (95, 175, 255), (255, 135, 0), (95, 215, 95), (215, 95, 215), (215, 215, 0),
    (0, 215, 215))
BATCH_COLOUR = (138, 138, 138)  # grey 245: the noisy per-batch loss under the epoch curves
