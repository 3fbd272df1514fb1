"""The flows: what each command, button or answer does, as functions of a `Turn`."""
