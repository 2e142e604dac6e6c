// Generated from schemas/config.schema.json by `npm run gen:types`. Do not edit.

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
