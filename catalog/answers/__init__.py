"""Answering questions in a citizen's words: FAQ matching (qa), passages cut from the documents
(passages) and retrieved for a question (retrieve), and sentence vectors (semantic, vectors)."""
