"""Finding documents: text analysis and segmentation (analysis), reading a query (query, pinyin,
synonyms, vocab, docnum), the full-text engines behind one face (engines, index for whoosh,
tantivy_engine), document search itself (documents), completions (suggest) and the keyboard's
candidates (ime)."""
