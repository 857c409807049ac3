"""Pure business maths for Allies: numpy and the standard library only, never Django."""
