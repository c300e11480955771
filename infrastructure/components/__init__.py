"""One construct per concern; ``infrastructure.stack`` only composes them."""
