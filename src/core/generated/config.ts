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
