"""Generated from src/pytalos/api/proto by scripts/gen-proto (`make proto`): do not edit."""
