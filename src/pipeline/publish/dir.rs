//! File-system side of the publication: lock file, staging folder beside the output folder,
//! the atomic exchange of the two folders, leftovers of killed runs.
//!
//! Everything lives in the output folder's parent, under hidden names derived from the output
//! folder's name `<nom>`: `.<nom>.opsgeo.lock` (the lock), `.<nom>.opsgeo-staging-<pid>` (the
//! publication being prepared, then the previous one once exchanged),
//! `.<nom>.opsgeo-previous-<pid>` (only on file systems without atomic exchange).

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// Top-level names opsgeo itself writes into an output folder (besides those listed by the
/// manifest of the publication in place).
pub const KNOWN_OUTPUTS: [&str; 6] = [
    "opsgeo.gpkg",
    "opsgeo.qgs",
    "manifest.json",
    "rejets.csv",
    "fgb",
    STOP_REJECTS,
];

/// Rejects of a run stopped on its reject threshold, written beside the previous publication.
pub const STOP_REJECTS: &str = "rejets_arret.csv";

/// Paths of one output folder.
#[derive(Debug, Clone)]
pub struct Paths {
    pub out: PathBuf,
    pub parent: PathBuf,
    pub name: String,
}

impl Paths {
    /// `None` when `out` has no usable last component (`/`, `..`).
    pub fn new(out: &Path) -> Option<Paths> {
        let name = out.file_name()?.to_str()?.to_string();
        if name == ".." {
            return None;
        }
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Some(Paths {
            out: out.to_path_buf(),
            parent,
            name,
        })
    }

    pub fn lock(&self) -> PathBuf {
        self.parent.join(format!(".{}.opsgeo.lock", self.name))
    }

    fn hidden(&self, kind: &str, pid: u32) -> PathBuf {
        self.parent
            .join(format!(".{}.opsgeo-{kind}-{pid}", self.name))
    }

    pub fn staging(&self) -> PathBuf {
        self.hidden("staging", std::process::id())
    }

    pub fn previous(&self) -> PathBuf {
        self.hidden("previous", std::process::id())
    }

    /// Leftovers of earlier runs of this output folder: `(path, is_previous)`.
    fn leftovers(&self) -> Vec<(PathBuf, bool)> {
        let prefix = format!(".{}.opsgeo-", self.name);
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut out: Vec<(PathBuf, bool)> = entries
            .flatten()
            .filter_map(|e| {
                let n = e.file_name().to_str()?.to_string();
                let rest = n.strip_prefix(&prefix)?;
                let previous = rest.starts_with("previous-");
                (previous || rest.starts_with("staging-")).then(|| (e.path(), previous))
            })
            .collect();
        out.sort();
        out
    }

    /// Repairs what a killed run may have left (under the lock): puts back a previous
    /// publication moved aside by the non-atomic fallback if the output folder is missing, then
    /// removes every leftover folder. Returns what was done, for the log.
    pub fn recover(&self) -> io::Result<Vec<String>> {
        let mut done = Vec::new();
        let leftovers = self.leftovers();
        if !self.out.exists() {
            if let Some((p, _)) = leftovers.iter().rev().find(|(_, prev)| *prev) {
                fs::rename(p, &self.out)?;
                done.push(format!(
                    "publication précédente remise en place depuis {}",
                    p.display()
                ));
            }
        }
        for (p, _) in self.leftovers() {
            fs::remove_dir_all(&p)?;
            done.push(format!(
                "reste d'une exécution interrompue supprimé : {}",
                p.display()
            ));
        }
        // staging folders of opsgeo < 0.2 lived inside the output folder
        if let Ok(entries) = fs::read_dir(&self.out) {
            for e in entries.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with(".opsgeo-staging-")
                {
                    fs::remove_dir_all(e.path())?;
                }
            }
        }
        Ok(done)
    }
}

/// Whether the folder at `out` may be replaced as a whole: missing, empty, or holding only
/// what opsgeo writes (the known outputs, what the manifest in place lists, GeoPackage
/// journals, QGIS side files of the project). Returns the foreign entries otherwise.
pub fn foreign_entries(out: &Path) -> io::Result<Vec<String>> {
    if !out.exists() {
        return Ok(Vec::new());
    }
    if !out.is_dir() {
        return Ok(vec![format!("{} n'est pas un dossier", out.display())]);
    }
    let mut allowed: Vec<String> = KNOWN_OUTPUTS.iter().map(|s| s.to_string()).collect();
    if let Ok(text) = fs::read_to_string(out.join("manifest.json")) {
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) {
            for o in doc["sorties"].as_array().into_iter().flatten() {
                if let Some(first) = o["fichier"]
                    .as_str()
                    .and_then(|f| Path::new(f).components().next())
                {
                    allowed.push(first.as_os_str().to_string_lossy().into_owned());
                }
            }
        }
    }
    let mut foreign = Vec::new();
    for e in fs::read_dir(out)?.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = allowed.contains(&n)
            || n.starts_with("opsgeo.gpkg-")
            || n.starts_with("opsgeo.qg")
            || n.starts_with(".opsgeo-staging-");
        if !ours {
            foreign.push(n);
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// Takes an exclusive `flock` on `file` without waiting: `Ok(false)` if another process holds
/// it. The system releases it when the file is closed or the process dies, even by SIGKILL.
#[cfg(unix)]
pub fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a live file descriptor for the borrow of `file`.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(e)
    }
}

#[cfg(not(unix))]
pub fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

/// Flushes every file and folder under `dir` to disk.
pub fn sync_tree(dir: &Path) -> io::Result<()> {
    for e in fs::read_dir(dir)?.flatten() {
        let p = e.path();
        if e.file_type()?.is_dir() {
            sync_tree(&p)?;
        } else {
            File::open(&p)?.sync_all()?;
        }
    }
    sync_dir(dir)
}

/// Flushes a folder's entries (renames) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Atomically exchanges two existing paths (Linux `renameat2(RENAME_EXCHANGE)`). An
/// `Unsupported` error means the file system (or system) cannot.
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two live NUL-terminated paths, relative to the current directory.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => {
            Err(io::Error::new(io::ErrorKind::Unsupported, e))
        }
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "échange atomique indisponible",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_live_beside_the_output_folder() {
        let p = Paths::new(Path::new("/data/sig/out")).unwrap();
        assert_eq!(p.lock(), PathBuf::from("/data/sig/.out.opsgeo.lock"));
        assert!(p
            .staging()
            .to_string_lossy()
            .starts_with("/data/sig/.out.opsgeo-staging-"));
        let rel = Paths::new(Path::new("out")).unwrap();
        assert_eq!(rel.parent, PathBuf::from("."));
        assert!(Paths::new(Path::new("/")).is_none());
    }

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_until_the_first_is_closed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("lock");
        let open = || open_rw(&p);
        let a = open();
        assert!(try_lock(&a).unwrap());
        let b = open();
        assert!(!try_lock(&b).unwrap());
        drop(a);
        assert!(try_lock(&b).unwrap());
    }

    fn open_rw(p: &Path) -> File {
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(p)
            .unwrap()
    }

    #[test]
    fn exchange_swaps_two_folders() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("x"), "a").unwrap();
        fs::write(b.join("x"), "b").unwrap();
        match exchange(&a, &b) {
            Ok(()) => {
                assert_eq!(fs::read_to_string(a.join("x")).unwrap(), "b");
                assert_eq!(fs::read_to_string(b.join("x")).unwrap(), "a");
            }
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::Unsupported),
        }
    }

    #[test]
    fn only_opsgeo_outputs_may_be_replaced() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        assert!(foreign_entries(&out).unwrap().is_empty());
        fs::create_dir_all(out.join("fgb")).unwrap();
        fs::write(out.join("opsgeo.gpkg"), "").unwrap();
        fs::write(out.join("opsgeo.gpkg-wal"), "").unwrap();
        assert!(foreign_entries(&out).unwrap().is_empty());
        fs::write(out.join("mes_notes.txt"), "").unwrap();
        assert_eq!(foreign_entries(&out).unwrap(), ["mes_notes.txt"]);
        fs::write(
            out.join("manifest.json"),
            r#"{"sorties":[{"fichier":"mes_notes.txt"}]}"#,
        )
        .unwrap();
        assert!(foreign_entries(&out).unwrap().is_empty());
    }

    #[test]
    fn recover_puts_back_a_publication_moved_aside_and_removes_leftovers() {
        let d = tempfile::tempdir().unwrap();
        let p = Paths::new(&d.path().join("out")).unwrap();
        let prev = d.path().join(".out.opsgeo-previous-1");
        fs::create_dir(&prev).unwrap();
        fs::write(prev.join("manifest.json"), "{}").unwrap();
        fs::create_dir(d.path().join(".out.opsgeo-staging-2")).unwrap();
        let done = p.recover().unwrap();
        assert_eq!(done.len(), 2, "{done:?}");
        assert!(p.out.join("manifest.json").exists());
        assert!(p.leftovers().is_empty());
    }
}
