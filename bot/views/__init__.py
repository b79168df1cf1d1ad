"""How things look to people: text and buttons per capability."""
