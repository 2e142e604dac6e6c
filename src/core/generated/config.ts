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
