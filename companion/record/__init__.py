"""The record that moves with the client (Q7): a file they carry from one office to another."""
