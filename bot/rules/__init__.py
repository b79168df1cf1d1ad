"""Pure domain rules: no I/O, no clock, nothing imported from the rest of the bot.

Kept apart so that every rule of the product contract can be tested exhaustively and cheaply,
and so that handlers, jobs and /help all ask the same single source.
"""
