// Generated from schemas/site.schema.json by `npm run gen:types`. Do not edit.

/**
 * CPU benchmark score per core (HS06 per core, HEPscore23 per core since 2023; same scale). PanDA computes HS06 per job as corecount x corepower.
 */
export type CorePower = number;
/**
 * Power drawn per core, used for the carbon footprint of jobs.
 */
export type CoreEnergy = number;
/**
 * Maximum disk I/O rate per core; null means no limit.
 */
export type MaximumDiskIO = number | null;
/**
 * The value agreed in the ticket, for reviewers; PanDA reads corepower itself.
 */
export type PinnedValue = number;
/**
 * Ticket explaining the pin, e.g. `GGUS:1234567` or `ADCINFR-123`.
 */
export type Ticket = string;
/**
 * Last pinned day (YYYY-MM-DD); after it the bot proposes removing the pin. Absent: pinned until removed by hand.
 */
export type Until = string;

/**
 * One ATLAS site with CRIC field names, its contacts, owners, DDM endpoints and the values its queues inherit. File: sites/<CLOUD>/<SITE>/site.yaml.
 */
export interface ATLASSite {
  /**
   * ATLAS site name (CRIC `atlas_site`); equals the site folder.
   */
  name: string;
  /**
   * ATLAS cloud of the site; equals the cloud folder.
   */
  cloud: "CA" | "CERN" | "DE" | "ES" | "FR" | "IT" | "ND" | "NL" | "RU" | "TW" | "UK" | "US";
  /**
   * WLCG tier: T0, T1, T2, T2D (directly connected T2) or T3.
   */
  tier: "T0" | "T1" | "T2" | "T2D" | "T3";
  /**
   * Numeric tier level, 0 to 3.
   */
  tier_level: number;
  /**
   * Full country name, e.g. `United States`.
   */
  country?: string;
  /**
   * ISO 3166-1 alpha-2 code.
   */
  country_code?: string;
  /**
   * WLCG resource centre (GOCDB/OIM name) of the site; benchmark feeds name sites this way.
   */
  rc_site: string;
  /**
   * WLCG federation of the resource centre, e.g. `US-AGLT2`, `CH-CERN`.
   */
  rc?: string;
  /**
   * GOCDB name of the site, when it differs from `rc_site`.
   */
  gocname?: string;
  /**
   * Region of the site; CRIC uses electricity-grid zones (e.g. `US-MIDW-MISO`) for carbon accounting.
   */
  region?: string;
  /**
   * CRIC state of the site.
   */
  state: "ACTIVE" | "DISABLED";
  /**
   * Site data policies; `Nucleus` sites receive task output.
   */
  datapolicies?: ("Nucleus" | "Satellite" | "T0Disk" | "T0Tape" | "T0TaskOutput" | "AnalysisData")[];
  /**
   * Values every queue of the site inherits unless the queue sets its own (CRIC's site-level inheritance).
   */
  queue_defaults?: {
    corepower?: CorePower;
    coreenergy?: CoreEnergy;
    maxdiskio?: MaximumDiskIO;
    corepower_pin?: CorepowerPin;
  };
  /**
   * People and lists notified about changes to the site; identified by e-mail.
   *
   * @minItems 1
   */
  contacts: [Contact, ...Contact[]];
  /**
   * GitHub users (`@login`) or teams (`@org/team`) who approve changes to the site.
   *
   * @minItems 1
   */
  owners: [string, ...string[]];
  /**
   * Rucio storage elements of the site; identified by name.
   */
  ddmendpoints?: DDMEndpoint[];
  /**
   * The site's worker-node CPU models and their cores. For a site without benchmark results, the corepower bot estimates corepower as the core-weighted mean of the models' HS23 per core.
   *
   * Items: One CPU model and its cores at the site.
   */
  hardware?: {
    /**
     * As the benchmark suite reports it (host.HW.CPU.CPU_Model), e.g. `AMD EPYC 7742 64-Core Processor`.
     */
    cpu_model: string;
    /**
     * Cores of this model that run ATLAS jobs.
     */
    cores: number;
  }[];
}
/**
 * Keeps corepower as it is: the corepower bot never changes a pinned value, and proposes removing the pin once `until` has passed. Name the ticket that explains why.
 */
export interface CorepowerPin {
  value?: PinnedValue;
  ticket: Ticket;
  until?: Until;
}
/**
 * A person or list to notify about this site.
 */
export interface Contact {
  /**
   * Name of the person or list.
   */
  name?: string;
  /**
   * E-mail address.
   */
  email: string;
  /**
   * What this contact is for; notifications pick contacts by role.
   *
   * @minItems 1
   */
  roles: [
    "site-admin" | "cloud-squad" | "dpa" | "security" | "operations" | "observer",
    ...("site-admin" | "cloud-squad" | "dpa" | "security" | "operations" | "observer")[]
  ];
}
/**
 * A Rucio storage element (DDM endpoint) of the site, named `<ATLAS_SITE>_<TOKEN>`.
 */
export interface DDMEndpoint {
  /**
   * DDM endpoint (RSE) name, `<ATLAS_SITE>_<TOKEN>`.
   */
  name: string;
  /**
   * Space token, e.g. `DATADISK`, `SCRATCHDISK`, `PHYS-HIGGS`.
   */
  token: string;
  /**
   * Kind of storage.
   */
  type:
    | "DATADISK"
    | "DATATAPE"
    | "MCTAPE"
    | "SCRATCHDISK"
    | "LOCALGROUPDISK"
    | "LOCALGROUPTAPE"
    | "GROUPDISK"
    | "CALIBDISK"
    | "OS_ES"
    | "OS_LOGS"
    | "OS_CACHE"
    | "TEST"
    | "SPECIAL";
  /**
   * True for a tape endpoint.
   */
  is_tape?: boolean;
  /**
   * True when file paths are derived from names (Rucio deterministic RSE).
   */
  is_deterministic?: boolean;
  /**
   * CRIC state of the endpoint.
   */
  state: "ACTIVE" | "DISABLED";
  /**
   * Base URL of the storage, e.g. `davs://eosatlas.cern.ch:443/eos/atlas/`.
   */
  endpoint?: string;
  /**
   * Data policies of the endpoint.
   */
  datapolicies?: ("T0Disk" | "T0Tape" | "T0TaskOutput" | "Nucleus" | "AnalysisData")[];
}
