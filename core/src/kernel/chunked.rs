//! `ChunkVec`: a vector for append-mostly data (record arenas, partition logs) whose clone costs
//! one reference count per 4096 elements instead of a copy of every element. Checkpoints clone the
//! whole simulation state, so the big logs must be cheap to clone: chunks are shared between the
//! live state and its checkpoints, and a chunk is copied only when a shared one is written
//! (`Rc::make_mut`), which is at most the last chunk of each log after a checkpoint.
use alloc::rc::Rc;
use alloc::vec::Vec;

/// Elements per chunk. A full chunk of `u32` record ids is 16 KiB.
pub const CHUNK: usize = 4096;

#[derive(Debug, Clone)]
pub struct ChunkVec<T> {
    chunks: Vec<Rc<Vec<T>>>,
    len: usize,
}

impl<T> Default for ChunkVec<T> {
    fn default() -> Self {
        ChunkVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone> ChunkVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A chunk to start: the first grows as needed (small logs stay small), later ones are
    /// allocated whole once (no reallocation while they fill).
    fn new_chunk(&self) -> Rc<Vec<T>> {
        Rc::new(if self.chunks.is_empty() {
            Vec::new()
        } else {
            Vec::with_capacity(CHUNK)
        })
    }

    pub fn push(&mut self, value: T) {
        if self.len % CHUNK == 0 {
            let chunk = self.new_chunk();
            self.chunks.push(chunk);
        }
        if let Some(last) = self.chunks.last_mut() {
            Rc::make_mut(last).push(value);
            self.len += 1;
        }
    }

    /// Appends a slice, a chunk at a time.
    pub fn extend_from_slice(&mut self, mut values: &[T]) {
        while !values.is_empty() {
            if self.len % CHUNK == 0 {
                let chunk = self.new_chunk();
                self.chunks.push(chunk);
            }
            let room = CHUNK - self.len % CHUNK;
            let (now, rest) = values.split_at(room.min(values.len()));
            if let Some(last) = self.chunks.last_mut() {
                Rc::make_mut(last).extend_from_slice(now);
            }
            self.len += now.len();
            values = rest;
        }
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// Keeps the first `len` elements.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let keep_chunks = len.div_ceil(CHUNK);
        self.chunks.truncate(keep_chunks);
        if let Some(last) = self.chunks.last_mut() {
            let in_last = len - (keep_chunks - 1) * CHUNK;
            if last.len() > in_last {
                Rc::make_mut(last).truncate(in_last);
            }
        }
        self.len = len;
    }

    /// Elements `start..end` (clamped to the length), in order.
    pub fn range(&self, start: usize, end: usize) -> impl Iterator<Item = &T> + '_ {
        let end = end.min(self.len);
        let start = start.min(end);
        let first = start / CHUNK;
        let last = end.div_ceil(CHUNK);
        self.chunks[first..last].iter().enumerate().flat_map(move |(i, chunk)| {
            let base = (first + i) * CHUNK;
            let from = start.saturating_sub(base);
            let to = (end - base).min(chunk.len());
            chunk[from..to].iter()
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.range(0, self.len)
    }

    /// Appends elements `start..end` to `out` (a copy per chunk, not per element).
    pub fn copy_range_into(&self, start: usize, end: usize, out: &mut Vec<T>) {
        let end = end.min(self.len);
        let mut at = start.min(end);
        while at < end {
            let chunk = &self.chunks[at / CHUNK];
            let from = at % CHUNK;
            let to = (from + (end - at)).min(chunk.len());
            out.extend_from_slice(&chunk[from..to]);
            at += to - from;
        }
    }
}

impl<T: Clone> core::ops::Index<usize> for ChunkVec<T> {
    type Output = T;
    /// Panics out of range, as a slice does.
    fn index(&self, index: usize) -> &T {
        &self.chunks[index / CHUNK][index % CHUNK]
    }
}

impl<T: PartialEq + Clone> PartialEq for ChunkVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_vec_across_chunk_boundaries() {
        let mut c = ChunkVec::new();
        let mut v = Vec::new();
        for i in 0..(3 * CHUNK + 17) as u32 {
            c.push(i);
            v.push(i);
        }
        assert_eq!(c.len(), v.len());
        assert_eq!(c.get(CHUNK), Some(&(CHUNK as u32)));
        assert!(c.iter().copied().eq(v.iter().copied()));
        let r: Vec<u32> = c.range(CHUNK - 2, 2 * CHUNK + 3).copied().collect();
        assert_eq!(r, v[CHUNK - 2..2 * CHUNK + 3]);
        let mut out = Vec::new();
        c.copy_range_into(5, 2 * CHUNK + 9, &mut out);
        assert_eq!(out, v[5..2 * CHUNK + 9]);
        c.truncate(CHUNK + 1);
        v.truncate(CHUNK + 1);
        assert!(c.iter().copied().eq(v.iter().copied()));
        c.extend_from_slice(&v[..CHUNK]);
        v.extend_from_within(..CHUNK);
        assert!(c.iter().copied().eq(v.iter().copied()));
        assert_eq!(c.last(), v.last());
    }

    #[test]
    fn a_clone_shares_chunks_and_writes_do_not_leak_between_copies() {
        let mut a = ChunkVec::new();
        a.extend_from_slice(&[1u32; CHUNK + 10]);
        let snapshot = a.clone();
        assert!(Rc::ptr_eq(&a.chunks[0], &snapshot.chunks[0]), "full chunks are shared");
        a.push(7);
        a.truncate(5);
        assert_eq!(snapshot.len(), CHUNK + 10);
        assert_eq!(snapshot.last(), Some(&1));
        assert_eq!(a.len(), 5);
    }
}
