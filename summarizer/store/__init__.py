"""The run store (sqlite): what earlier runs saw, and what changed since the last one."""
