//! PostGIS publication against a real PostgreSQL + PostGIS server, started by the test on
//! 127.0.0.1 (Debian packages `postgresql` and `postgresql-15-postgis-3`, installed by
//! tests.sh): tables, comments and metadata in the published schema; a failure in the middle
//! of the swap, a run killed while loading, a dependent view and a concurrent publisher all
//! leave the published schema untouched.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::delivery::*;
use crate::support::{assert_ok, manifest};

/// A throw-away PostgreSQL cluster, stopped and removed on drop.
struct PgServer {
    data: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn pg_bin() -> PathBuf {
    let in_path = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(p) = in_path {
        return p.parent().unwrap().to_path_buf();
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    found.sort();
    found
        .into_iter()
        .rev()
        .find(|b| b.join("initdb").exists())
        .expect("PostgreSQL server binaries not found: apt-get install postgresql postgresql-15-postgis-3 (tests.sh does)")
}

impl PgServer {
    fn start() -> PgServer {
        let bin = pg_bin();
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let data = tempfile::Builder::new()
            .prefix("opsgeo-pg-")
            .tempdir()
            .unwrap();
        if as_postgres {
            // initdb refuses to run as root: the cluster belongs to the `postgres` user
            let o = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(data.path())
                .output()
                .unwrap();
            assert!(o.status.success(), "chown: {o:?}");
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = PgServer {
            data,
            bin,
            port,
            as_postgres,
        };
        let cluster = s.data.path().join("cluster");
        s.pg(&[
            "initdb",
            "-D",
            cluster.to_str().unwrap(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            s.port,
            s.data.path().display()
        );
        s.pg(&[
            "pg_ctl",
            "-D",
            cluster.to_str().unwrap(),
            "-o",
            &opts,
            "-l",
            s.data.path().join("log").to_str().unwrap(),
            "-w",
            "start",
        ]);
        s.psql("postgres", "CREATE DATABASE sig");
        s.psql("sig", "CREATE EXTENSION postgis");
        s.psql("sig", "CREATE ROLE lecteur_sig NOLOGIN");
        s
    }

    fn pg(&self, args: &[&str]) {
        let exe = self.bin.join(args[0]);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let o = c.args(&args[1..]).current_dir("/").output().unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }

    fn psql_cmd(&self, db: &str) -> Command {
        let mut c = Command::new("psql");
        c.args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
        ])
        .args(["-p", &self.port.to_string(), "-U", "postgres", "-d", db]);
        c
    }

    /// Runs SQL and returns the unaligned output.
    fn psql(&self, db: &str, sql: &str) -> String {
        let o = self.psql_cmd(db).args(["-c", sql]).output().unwrap();
        assert!(
            o.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn connection(&self) -> String {
        format!(
            "PG:host=127.0.0.1 port={} dbname=sig user=postgres",
            self.port
        )
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let cluster = self.data.path().join("cluster");
        let exe = self.bin.join("pg_ctl");
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let _ = c
            .args(["-D", cluster.to_str().unwrap(), "-m", "immediate", "stop"])
            .current_dir("/")
            .output();
    }
}

fn config(dir: &Path, name: &str, min_units: u32, pg: &PgServer) -> PathBuf {
    inputs_config(
        dir,
        name,
        min_units,
        &format!(
            "[output.postgis]\nconnection = \"{}\"\nschema = \"opsgeo\"\nread_roles = [\"lecteur_sig\"]\n",
            pg.connection()
        ),
    )
}

/// What a viewer sees of the published schema.
fn published(pg: &PgServer) -> (String, String, String) {
    (
        pg.psql(
            "sig",
            "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'opsgeo'",
        ),
        pg.psql(
            "sig",
            "SELECT valeur FROM opsgeo.metadonnees WHERE cle = 'secret_statistique'",
        ),
        pg.psql(
            "sig",
            "SELECT sum(nb_logements)::text || '/' || count(*) FROM opsgeo.iris_ensemble",
        ),
    )
}

fn schemas(pg: &PgServer) -> String {
    pg.psql(
        "sig",
        "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname LIKE 'opsgeo%'",
    )
}

#[test]
fn postgis_publication_end_to_end() {
    let pg = PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let a = config(dir.path(), "a.toml", 11, &pg);
    let b = config(dir.path(), "b.toml", 15, &pg);
    let out = dir.path().join("sortie");

    // 1. a normal publication: same layers and tables as the GeoPackage, with comments,
    //    metadata, read grants and a spatial index; no staging schema left
    let o = run(&a, &out, &[]);
    assert_ok(&o, "opsgeo run");
    check_publication(&out);
    let manifest = manifest(&out);
    let layers = manifest["couches"].as_array().unwrap();
    let tables = pg.psql(
        "sig",
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'opsgeo'",
    );
    assert_eq!(
        tables,
        (layers.len() + 3).to_string(),
        "layers + indicateurs + metadonnees + geocodage_a_verifier"
    );
    assert_eq!(
        pg.psql(
            "sig",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'opsgeo' AND tablename = 'geocodage_a_verifier'"
        ),
        "1"
    );
    assert_eq!(manifest["postgis"]["schema"], "opsgeo");
    for l in layers {
        let name = l["couche"].as_str().unwrap();
        let n = pg.psql("sig", &format!("SELECT count(*) FROM opsgeo.{name}"));
        assert_eq!(n, l["lignes"].to_string(), "{name}");
    }
    assert_eq!(
        pg.psql("sig", "SELECT count(*) FROM opsgeo.indicateurs"),
        manifest["table_indicateurs_lignes"].to_string()
    );
    assert_eq!(schemas(&pg), "opsgeo");
    assert_eq!(
        pg.psql(
            "sig",
            "SELECT Find_SRID('opsgeo', 'communes_ensemble', 'geom')"
        ),
        "2154"
    );
    assert!(pg
        .psql(
            "sig",
            "SELECT obj_description('opsgeo.communes_ensemble'::regclass)"
        )
        .starts_with("Commune — ensemble des ménages"));
    assert!(pg
        .psql(
            "sig",
            "SELECT col_description('opsgeo.communes_ensemble'::regclass, 7)"
        )
        .contains("Nombre de logements"));
    assert!(pg
        .psql(
            "sig",
            "SELECT valeur FROM opsgeo.metadonnees WHERE cle = 'source'"
        )
        .starts_with("Source : USH BFC"));
    assert_eq!(
        pg.psql(
            "sig",
            "SELECT has_table_privilege('lecteur_sig', 'opsgeo.iris_ensemble', 'SELECT')"
        ),
        "t"
    );
    assert_eq!(
        pg.psql(
            "sig",
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'opsgeo' AND indexdef LIKE '%gist%'"
        ),
        // every layer, and the review layer
        (layers.len() + 1).to_string()
    );
    let before = published(&pg);
    assert!(before.1.contains("effectif minimal 11 "), "{before:?}");

    // 2. the swap transaction fails after renaming the schemas: everything is rolled back
    let o = run(&b, &out, &[("OPSGEO_TEST_FAIL_AT", "postgis_echange")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("panne simulée"));
    assert_eq!(published(&pg), before);
    assert!(check_publication(&out)
        .secrecy
        .contains("effectif minimal 11 "));

    // 3. a run killed while the staging schema is loaded, then one killed just before the
    //    swap: the published schema does not move
    kill(run_stopped_at(&b, &out, "postgis_chargement", &[]));
    assert_eq!(published(&pg), before);
    kill(run_stopped_at(&b, &out, "avant_echange", &[]));
    assert_eq!(published(&pg), before);

    // 4. a view that depends on a published table forbids dropping it: nothing changes
    pg.psql(
        "sig",
        "CREATE VIEW public.vue_metier AS SELECT code_iris FROM opsgeo.iris_ensemble",
    );
    let o = run(&b, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("échange des schémas") && err.contains("vue_metier"),
        "{err}"
    );
    assert_eq!(published(&pg), before);
    pg.psql("sig", "DROP VIEW public.vue_metier");

    // 5. another process holds the schema's publication lock: refused, nothing changes
    let mut holder = pg
        .psql_cmd("sig")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let stdin = holder.stdin.as_mut().unwrap();
        writeln!(stdin, "SELECT pg_advisory_lock(hashtext('opsgeo:opsgeo'));").unwrap();
        writeln!(stdin, "\\echo verrou").unwrap();
    }
    {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(holder.stdout.as_mut().unwrap()).lines();
        while let Some(Ok(l)) = lines.next() {
            if l.trim() == "verrou" {
                break;
            }
        }
    }
    let o = run(&b, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("une autre exécution publie déjà dans le schéma"));
    assert_eq!(published(&pg), before);
    drop(holder.stdin.take());
    let _ = holder.wait();

    // 6. a schema opsgeo did not create is never replaced nor dropped (exit code 2)
    pg.psql("sig", "CREATE SCHEMA metier; CREATE TABLE metier.t (a int)");
    let other = inputs_config(
        dir.path(),
        "autre.toml",
        11,
        &format!(
            "[output.postgis]\nconnection = \"{}\"\nschema = \"metier\"\n",
            pg.connection()
        ),
    );
    let o = run(&other, &dir.path().join("autre_sortie"), &[]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("qu'opsgeo n'a pas créés"));
    assert_eq!(pg.psql("sig", "SELECT count(*) FROM metier.t"), "0");

    // 7. the next run publishes both the files and the schema
    let o = run(&b, &out, &[]);
    assert_ok(&o, "opsgeo run");
    let after = published(&pg);
    assert_eq!(after.0, before.0);
    assert!(after.1.contains("effectif minimal 15 "), "{after:?}");
    assert_eq!(schemas(&pg), "opsgeo");
    assert!(check_publication(&out)
        .secrecy
        .contains("effectif minimal 15 "));
}

#[test]
fn unreachable_postgis_stops_the_run_before_anything_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cfg = inputs_config(
        dir.path(),
        "c.toml",
        11,
        &format!(
            "[output.postgis]\nconnection = \"PG:host=127.0.0.1 port={port} dbname=sig user=x password=tres_secret connect_timeout=2\"\n"
        ),
    );
    let out = dir.path().join("sortie");
    let o = run(&cfg, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("PostGIS") && err.contains("connexion impossible"),
        "{err}"
    );
    assert!(!err.contains("tres_secret"), "password leaked: {err}");
    assert!(!out.exists());
}
