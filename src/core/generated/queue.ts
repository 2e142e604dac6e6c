// Generated from schemas/queue.schema.json by `npm run gen:types`. Do not edit.

/**
 * One ATLAS PanDA queue (PQ), with CRIC field names and units. File: sites/<CLOUD>/<SITE>/queues/<NAME>.yaml.
 */
export interface PanDAQueue {
  /**
   * PanDA queue name; equals the file name. CRIC also serves it as `nickname`, `siteid` and `panda_resource`.
   */
  name: string;
  /**
   * ATLAS cloud of the queue; equals the cloud folder.
   */
  cloud: "CA" | "CERN" | "DE" | "ES" | "FR" | "IT" | "ND" | "NL" | "RU" | "TW" | "UK" | "US";
  /**
   * ATLAS site (CPU site) the queue belongs to; equals the site folder.
   */
  atlas_site: string;
  /**
   * PanDA site grouping several queues (CRIC `panda_site`, also served as `site`).
   */
  panda_site: string;
  /**
   * Virtual parent queue, usually `<panda_site>_VIRTUAL`.
   */
  parent?: string;
  /**
   * True for a virtual (parent) queue that runs no jobs itself.
   */
  is_virtual?: boolean;
  /**
   * True for the default queue of its PanDA site.
   */
  is_default?: boolean;
  /**
   * Free-text description of the queue.
   */
  description?: string;
  /**
   * CRIC record state of the queue (not the brokerage status, which blacklisting owns).
   */
  state?: "ACTIVE" | "DISABLED";
  /**
   * Virtual organisation served.
   */
  vo_name?: "atlas";
  /**
   * Kind of jobs the queue runs; `unified` runs production and analysis.
   */
  type: "production" | "analysis" | "unified";
  /**
   * Core capability: `ucore` (unified single/multi-core), `score` or `mcore`.
   */
  capability?: "ucore" | "score" | "mcore";
  /**
   * Pilot workflow, e.g. `pull_ups` (Unified Pilot Streaming), `pull`, `push`.
   */
  workflow?: "pull_ups" | "pull" | "push" | "push_ups" | "pull_mcore";
  /**
   * CRIC resource class (not the PanDA job resource type).
   */
  resource_type?: "GRID" | "cloud" | "hpc" | "gpu";
  /**
   * Event-service seeding; absent means `std`.
   */
  jobseed?: "std" | "es" | "eshigh" | "all";
  /**
   * System that submits pilots.
   */
  pilot_manager?: "Harvester" | "APF" | "AutoPilot" | "aCT" | "local";
  /**
   * Harvester instance id serving the queue, e.g. `CERN_central_A`.
   */
  harvester?: string;
  /**
   * Harvester submission template, e.g. `ng.production.push`; empty for the default.
   */
  harvester_template?: string;
  /**
   * Pilot version, `3` or a full version such as `3.12.4.1`.
   */
  pilot_version?: string;
  /**
   * Python major version the pilot runs with.
   */
  python_version?: "2" | "3";
  /**
   * Container runtimes by user, `runtime:user;runtime:user`, e.g. `singularity:pilot`.
   */
  container_type?: string;
  /**
   * Extra options passed to the container runtime.
   */
  container_options?: string;
  /**
   * Number of cores of one job slot.
   */
  corecount: number;
  /**
   * CPU benchmark score per core (HS06 per core, HEPscore23 per core since 2023; same scale). PanDA computes HS06 per job as corecount x corepower.
   */
  corepower?: number;
  corepower_pin?: CorepowerPin;
  /**
   * Power drawn per core, used for the carbon footprint of jobs.
   */
  coreenergy?: number;
  /**
   * Maximum resident memory of one job slot (the whole multi-core slot; per core when catchall has `per_core_attr`).
   */
  maxrss: number;
  /**
   * Minimum resident memory of a job sent to the queue.
   */
  minrss?: number;
  /**
   * Typical resident memory per slot.
   */
  meanrss?: number;
  /**
   * Maximum walltime of a job.
   */
  maxtime: number;
  /**
   * Minimum walltime of a job.
   */
  mintime?: number;
  /**
   * Maximum working-directory (scratch) size of one slot.
   */
  maxwdir?: number;
  /**
   * Maximum total input size of a job; -1 means always use direct I/O.
   */
  maxinputsize?: number;
  /**
   * Maximum disk I/O rate per core; null means no limit.
   */
  maxdiskio?: number | null;
  /**
   * Maximum swap per slot.
   */
  maxswap?: number;
  /**
   * Time during which a pilot may keep fetching new jobs.
   */
  timefloor?: number;
  /**
   * Event-service stage-out gap.
   */
  zip_time_gap?: number;
  /**
   * Maximum number of jobs in `transferring`; null means the PanDA default.
   */
  transferringlimit?: number | null;
  /**
   * Pledged CPU of the queue; -1 means opportunistic.
   */
  pledgedcpu?: number | null;
  /**
   * Available CPU of the queue; -1 means opportunistic.
   */
  availablecpu?: number | null;
  /**
   * Number of worker nodes behind the queue.
   */
  nodes?: number;
  /**
   * Legacy brokerage depth boost.
   */
  depthboost?: number | null;
  /**
   * Legacy queue-depth parameter.
   */
  queuehours?: number | null;
  /**
   * Legacy maximum number of pilots.
   */
  pilotlimit?: number | null;
  /**
   * DDM endpoints per activity (`pr`, `pw`, `read_lan`, `write_lan`, `read_lan_analysis`, `write_lan_analysis`, `es_events`, `es_events_read`). Order is priority: the first endpoint is the default.
   */
  astorages?: {
    [k: string]: string[] | undefined;
  };
  /**
   * Copy tools per activity, in priority order (first is the default).
   */
  acopytools?: {
    [k: string]: string[] | undefined;
  };
  /**
   * Setup of each copy tool used in `acopytools`.
   */
  copytools?: {
    [k: string]:
      | {
          /**
           * Script sourced before the copy tool runs; empty for none.
           */
          setup?: string;
        }
      | undefined;
  };
  /**
   * Allowed URL schemas per copy tool and activity (pilot).
   */
  acopytools_schemas?: {
    [k: string]: unknown | undefined;
  };
  /**
   * Protocols per activity (pilot).
   */
  aprotocols?: {
    [k: string]: unknown | undefined;
  };
  /**
   * Allow reading and writing local (LAN) storage.
   */
  allow_lan?: boolean;
  /**
   * Allow reading and writing remote (WAN) storage.
   */
  allow_wan?: boolean;
  /**
   * Jobs read inputs directly from local storage instead of copying them.
   */
  direct_access_lan?: boolean;
  /**
   * Jobs read inputs directly from remote storage.
   */
  direct_access_wan?: boolean;
  /**
   * Use the pcache input cache on worker nodes.
   */
  use_pcache?: boolean;
  /**
   * Worker nodes mount CVMFS.
   */
  is_cvmfs?: boolean;
  /**
   * Legacy cache storage element flag.
   */
  cachedse?: number | null;
  /**
   * Outbound connectivity of worker nodes, `<connectivity>#<ipstack>`, e.g. `full#IPv4`.
   */
  wnconnectivity?: string;
  /**
   * Comma-separated `key` or `key=value` options PanDA reads (e.g. `jobseed=all,es_to_zip,zip_time_gap=7200`).
   */
  catchall?: string;
  /**
   * Harvester and pilot parameters; dotted keys (`resource_type_limits.SCORE`) are the flat form of `uconfig`.
   */
  params?: {
    [k: string]: string | number | boolean | null | undefined;
  };
  /**
   * Nested form of the dotted `params` keys, e.g. `resource_type_limits: {SCORE: 5000}`.
   */
  uconfig?: {
    [k: string]: unknown | undefined;
  };
  /**
   * Compute elements pilots are submitted to; identified by `ce_endpoint`.
   *
   * @minItems 0
   */
  queues?: ComputeElement[];
  /**
   * Software releases offered; `AUTO` for CVMFS discovery.
   */
  releases?: string[];
  /**
   * `True`, or `|`-separated list of validated releases.
   */
  validatedreleases?: string;
  /**
   * HammerCloud mode: `AutoExclusion` (tests gate the queue), `OnlyTest`, or `False`.
   */
  hc_param?: "AutoExclusion" | "OnlyTest" | "False";
  /**
   * HammerCloud test suites run against the queue.
   */
  hc_suite?: (
    "AFT" | "PFT" | "PFT_MCORE" | "AFT_SCORE" | "PFT_SCORE" | "AFT_MCORE" | "ART" | "AFT_HIMEM" | "PFT_HIMEM"
  )[];
  /**
   * Environment variables set for jobs.
   */
  environ?: string;
  /**
   * Software installation directories.
   */
  appdir?: string;
  /**
   * Extra batch-system parameters.
   */
  special_par?: string;
  /**
   * Name of the local batch queue.
   */
  localqueue?: string;
  /**
   * Fair-share policy, e.g. `type=evgen:0%,type=any:100%`.
   */
  fairsharepolicy?: string;
  /**
   * Contact e-mail of the queue; site contacts live in site.yaml.
   */
  email?: string;
}
/**
 * Keeps corepower as it is: the corepower bot never changes a pinned value, and proposes removing the pin once `until` has passed. Name the ticket that explains why.
 */
export interface CorepowerPin {
  /**
   * The value agreed in the ticket, for reviewers; PanDA reads corepower itself.
   */
  value?: number;
  /**
   * Ticket explaining the pin, e.g. `GGUS:1234567` or `ADCINFR-123`.
   */
  ticket: string;
  /**
   * Last pinned day (YYYY-MM-DD); after it the bot proposes removing the pin. Absent: pinned until removed by hand.
   */
  until?: string;
}
/**
 * One compute element (CE) queue the pilots of this PanDA queue are submitted to, as in CRIC's `queues` list.
 */
export interface ComputeElement {
  /**
   * Host and port of the CE, `host:port` (HTCondor-CE 9619, ARC-CE 2811 or 443, CREAM-CE 8443).
   */
  ce_endpoint: string;
  /**
   * Middleware of the CE.
   */
  ce_flavour: "HTCONDOR-CE" | "ARC-CE" | "CREAM-CE";
  /**
   * CRIC name of the CE, `<RC_SITE>-CE-<FLAVOUR>-<host>`.
   */
  ce_name?: string;
  /**
   * CRIC internal id of the CE.
   */
  ce_id?: number;
  /**
   * CRIC internal id of the CE queue.
   */
  ce_queue_id?: number;
  /**
   * Batch system or job manager behind the CE, e.g. `HTCondorCE`, `condor`, `slurm`.
   */
  ce_jobmanager?: string;
  /**
   * Name of the batch queue on the CE, e.g. `share`, `atlas`.
   */
  ce_queue_name?: string;
  /**
   * Maximum CPU time of the batch queue; 0 means no limit.
   */
  ce_queue_maxcputime?: number;
  /**
   * Maximum wall-clock time of the batch queue; 0 means no limit.
   */
  ce_queue_maxwctime?: number;
  /**
   * Status of the batch queue as published, e.g. `Production`.
   */
  ce_queue_status?: string;
  /**
   * CRIC state of the CE; Harvester submits only to ACTIVE CEs.
   */
  ce_state?: "ACTIVE" | "DISABLED";
  /**
   * Operational status of the CE, e.g. `production`.
   */
  ce_status?: string;
  /**
   * Middleware version of the CE.
   */
  ce_version?: string;
}
