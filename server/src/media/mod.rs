//! Photo evidence (照片). Placeholder until the media pipeline lands.

pub mod storage;
