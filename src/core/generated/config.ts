// Generated from schemas/config.schema.json by `npm run gen:types`. Do not edit.

/**
 * Contacts with these roles get every mail about their site.
 *
 * @minItems 1
 */
export type Roles = [
  "site-admin" | "cloud-squad" | "dpa" | "security" | "operations" | "observer",
  ...("site-admin" | "cloud-squad" | "dpa" | "security" | "operations" | "observer")[]
];

/**
 * Repository-wide settings of siteops. File: siteops.config.yaml at the repository root. Every key is optional; absent keys take the documented defaults.
 */
export interface SiteopsConfiguration {
  /**
   * How the YAML tree maps to CRIC.
   */
  cric?: {
    /**
     * CRIC queue fields siteops does not keep in YAML (CRIC-internal, dynamic, or owned by other systems such as blacklisting). Import drops them; validation rejects them with a pointer to who owns them.
     */
    unmanaged_fields?: UnmanagedField[];
  };
  /**
   * How ticket references are recognised in pull requests and commit messages, and linked.
   */
  tickets?: {
    /**
     * Each pattern finds ticket references; the first capture group is the ticket number.
     *
     * @minItems 1
     */
    patterns?: [TicketPattern, ...TicketPattern[]];
  };
  /**
   * Who may change what. A change is allowed when a rule matching the author, or a rule matching an approving reviewer, allows it.
   */
  policy?: {
    /**
     * Team that may approve anything and is asked when no rule allows a change, as `org/team`.
     */
    central_team?: string;
    /**
     * Rules evaluated on the semantic diff of a pull request.
     */
    rules?: PolicyRule[];
  };
  /**
   * Disruptive changes wait for the affected sites after their heads-up mail.
   */
  notice?: {
    /**
     * Hours between the heads-up to the affected sites and the earliest merge of a disruptive change.
     */
    hours?: number;
    /**
     * Pull-request label (set by the central team) that waives the notice period.
     */
    urgent_label?: string;
    /**
     * Queue fields whose decrease takes capacity from running work.
     */
    reduced_fields?: string[];
  };
  /**
   * E-mails to the contacts of each affected site (`siteops notify`): a heads-up while a pull request is open, a confirmation once it is merged, and digests of bot changes.
   */
  notifications?: {
    /**
     * From header and SMTP envelope sender, `Name <address>` or `address`; its domain also ends every Message-ID. Set it to an address your SMTP relay accepts.
     */
    from?: string;
    /**
     * Where replies (objections to a change) go: an address, or `cloud-support-list` for the support list of the site's cloud.
     */
    reply_to?: string;
    /**
     * List-Id header (RFC 2919) that lets recipients filter the mails: a dot-separated identifier.
     */
    list_id?: string;
    /**
     * Which contact roles of a site receive its mails, by kind of change.
     */
    roles_for?: {
      default?: Roles;
      /**
       * Contacts with these roles get mails with a disruptive change (removed or disabled objects, reduced resources; see `notice`).
       *
       * @minItems 1
       */
      disruptive?: [
        "site-admin" | "cloud-squad" | "dpa" | "security" | "operations" | "observer",
        ...("site-admin" | "cloud-squad" | "dpa" | "security" | "operations" | "observer")[]
      ];
    };
    /**
     * Put the `support_list` of the site's cloud in Cc of every site mail.
     */
    cc_cloud_support_list?: boolean;
    /**
     * Most addresses (To and Cc) in one mail; contacts past it are left out and reported.
     */
    max_recipients?: number;
    /**
     * Batching of changes made by bots (pull-request author ending in `[bot]`) into one mail per site.
     */
    digest?: {
      /**
       * `off` mails bot changes like any other; `daily` or `weekly` queues them and `siteops notify --digest` sends one mail per site once its oldest queued change is that old. Disruptive bot changes are always mailed at once.
       */
      bots?: "off" | "daily" | "weekly";
    };
    /**
     * Retries of temporary SMTP failures (connection refused, timeouts, 4xx replies), with doubling delays; what still fails goes to the outbox.
     */
    retry?: {
      /**
       * Tries per mail before it goes to the outbox (1 means no retry).
       */
      attempts?: number;
      /**
       * Wait before the second try; each further wait doubles.
       */
      initial_delay_seconds?: number;
      /**
       * Upper bound of one wait between tries.
       */
      max_delay_seconds?: number;
    };
    /**
     * Branch that records every sent mail (and queued digest changes), so re-runs on any machine send nothing twice. Written with git plumbing; push it after `siteops notify`.
     */
    ledger_branch?: string;
  };
  /**
   * How `siteops corepower` turns HEP Benchmark Suite results into corepower pull requests: which records count, the statistics, and the pull requests it opens (docs/corepower.md).
   */
  corepower?: {
    /**
     * `profiles.hepscore.app_info.name` a result must have; others (e.g. HEPscore19) are skipped.
     */
    benchmark?: string;
    /**
     * Only results of the last this many days count.
     */
    window_days?: number;
    /**
     * Results (after outlier rejection) needed before a value is proposed.
     */
    min_samples?: number;
    /**
     * A result further from the median than this many scaled MADs (1.4826 x median absolute deviation, at least 0.5 % of the median) is an outlier.
     */
    outlier_mad_k?: number;
    /**
     * Proposed values are rounded half away from zero to this many decimals.
     */
    decimals?: number;
    /**
     * A value is proposed only when it differs from the current one by at least this much.
     */
    threshold_percent?: number;
    /**
     * Stability: the robust spread of the results (1.4826 x MAD over the median) must not exceed this.
     */
    max_spread_percent?: number;
    /**
     * Stability: the medians of the older and the newer half of the window must not differ by more than this (hardware being replaced).
     */
    max_drift_percent?: number;
    /**
     * Results below this are absurd and skipped.
     */
    min_score_per_core?: number;
    /**
     * Results above this are absurd and skipped (the queue schema allows at most 100).
     */
    max_score_per_core?: number;
    /**
     * Results stamped later than now plus this are skipped as future timestamps.
     */
    clock_skew_minutes?: number;
    /**
     * Ticket every corepower pull request names in its title and commit trailer, e.g. `ADCINFR-123`; the pull-request gate requires one.
     */
    ticket?: string;
    /**
     * Labels of every corepower pull request.
     */
    labels?: string[];
    /**
     * Label added when a value changes by more than the `corepower-bot` policy limit, so the cloud team must approve.
     */
    approval_label?: string;
    /**
     * Branch of each cloud's pull request: this prefix plus the cloud name.
     */
    branch_prefix?: string;
    /**
     * Branch the pull requests target and the values are read from.
     */
    base_branch?: string;
    /**
     * Who the bot is on GitHub (the policy rule `corepower-bot` names this login) and in git; commits by anyone else on a bot branch stop the bot from pushing to it.
     */
    bot?: {
      /**
       * The bot's GitHub login (a GitHub App's `<slug>[bot]`); pull requests it opens are authored by it.
       */
      login?: string;
      /**
       * Author and committer name of the bot's commits.
       */
      git_name?: string;
      /**
       * Author and committer e-mail of the bot's commits; a commit on a bot branch with another author e-mail is someone else's.
       */
      git_email?: string;
    };
  };
  /**
   * How changelogs (PR comments, mails, text, HTML) are rendered.
   */
  changelog?: {
    /**
     * Handlebars templates that replace the shipped ones, as paths relative to the repository root.
     */
    templates?: {
      /**
       * Template of the pull-request comment (markdown).
       */
      markdown?: string;
      /**
       * Template of the plain-text changelog.
       */
      text?: string;
      /**
       * Template of the HTML changelog; every value is HTML-escaped.
       */
      html?: string;
    };
  };
  /**
   * Thresholds of the cross-object rules.
   */
  validation?: {
    /**
     * Memory per core above which a job is HIMEM (PanDA resource types SCORE_HIMEM, MCORE_HIMEM).
     */
    himem_mb_per_core?: number;
    /**
     * Largest YAML file accepted under sites/.
     */
    max_file_bytes?: number;
  };
}
/**
 * A CRIC field siteops leaves to another owner.
 */
export interface UnmanagedField {
  /**
   * CRIC queue field name.
   */
  field: string;
  /**
   * Who owns the field instead, shown in validation messages (e.g. `PanDA blacklisting`, `CRIC`).
   */
  owner: string;
}
/**
 * One kind of ticket reference.
 */
export interface TicketPattern {
  /**
   * Ticket system name shown to people, e.g. GGUS, JIRA, ServiceNow.
   */
  system: string;
  /**
   * JavaScript regular expression (case-sensitive) with one capture group for the ticket number.
   */
  regex: string;
  /**
   * How the ticket is written, `$1` being the captured number, e.g. `GGUS:$1`.
   */
  id: string;
  /**
   * Link to the ticket, `$1` being the captured number.
   */
  url: string;
}
/**
 * Who may change which fields of which objects, within which limits.
 */
export interface PolicyRule {
  /**
   * Rule name, shown in violations.
   */
  name: string;
  /**
   * What the rule is for, in a sentence.
   */
  description?: string;
  /**
   * People the rule applies to: a GitHub user, a bot, a team `org/team`, or a role: the owners of the changed site or of its cloud.
   *
   * @minItems 1
   */
  who: [Principal, ...Principal[]];
  /**
   * Objects the rule covers, as globs over `<CLOUD>/<SITE>/<QUEUE>` (`US/**`, `* /AGLT2/*`); absent means everywhere (roles already limit themselves to their site or cloud).
   */
  where?: string[];
  /**
   * Field paths the rule allows to change: a path also covers its parts (`contacts` covers `contacts[a@b.org].roles`); `*` matches any characters, `**` everything.
   */
  may_change: string[];
  /**
   * Bounds on numeric changes.
   */
  limits?: Limit[];
  /**
   * Whether the rule allows adding queues, sites or DDM endpoints.
   */
  may_add?: boolean;
  /**
   * Whether the rule allows removing objects.
   */
  may_remove?: boolean;
  /**
   * Whether the rule allows setting `state: DISABLED`.
   */
  may_disable?: boolean;
}
/**
 * One of: user, bot, team, role.
 */
export interface Principal {
  /**
   * GitHub login.
   */
  user?: string;
  /**
   * GitHub App bot login, e.g. `siteops-corepower[bot]`.
   */
  bot?: string;
  /**
   * GitHub team as `org/team`.
   */
  team?: string;
  /**
   * Owners of the changed object's site or cloud, from site.yaml and cloud.yaml.
   */
  role?: "site-owners" | "cloud-owners";
}
/**
 * A bound on how much a numeric field may change.
 */
export interface Limit {
  /**
   * Field path the limit applies to.
   */
  field: string;
  /**
   * Largest relative change allowed, in either direction.
   */
  max_change_percent: number;
}
