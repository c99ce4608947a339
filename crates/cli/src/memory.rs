//! Large allocations go back to the operating system when they are freed.
//!
//! glibc raises its mmap threshold each time a large mmapped block is freed, so after the first
//! Argon2id hash (19 MiB of blocks) later hashes are served from the malloc arenas, and every
//! arena keeps its freed 19 MiB: after bursts of logins on the blocking pool the resident memory
//! stayed at 400 MiB–1 GiB although nothing used it. A fixed threshold keeps blocks of 4 MiB and
//! more mmapped, and unmapped as soon as they are freed.
#![allow(unsafe_code)]

/// Above this size an allocation is its own mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 4 << 20;

/// Call first thing in `main`, before the runtime starts its threads.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator; it is called once, before any
    // other thread exists, and 4 MiB is within glibc's allowed range (≤ 32 MiB on 64 bit).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
