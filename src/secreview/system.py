"""The system description: every fact a pre-procurement review asks about.

Every fact is optional and defaults to ``None``, which means *unknown* (nobody answered), never
*false*. Unknown keys are errors. Field names are written to read well in YAML; their meaning and
the question a project lead answers live in ``data/questions.yaml``.
"""

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from secreview.countries import check_country, check_country_or_region
from secreview.strict import INPUT_POLICY
from secreview.vocabulary import Addressee


class RegionsAllowed:
    """Marks a list of countries that may also name a region (EU, EEA): see facts.FactSpec."""


Country = Annotated[
    str,
    AfterValidator(check_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$",
                    "description": "ISO 3166-1 alpha-2 country code, e.g. SE, US"}),
]
Location = Annotated[
    str,
    AfterValidator(check_country_or_region),
    RegionsAllowed(),
    WithJsonSchema({"type": "string", "pattern": "^([A-Z]{2}|EEA)$",
                    "description": "ISO 3166-1 alpha-2 country code (SE, US), or a region: "
                    "EU or EEA, meaning somewhere in it"}),
]
Number = Annotated[float, Field(strict=True)]
"""A number: whole or decimal, never a boolean (``true`` is not 1) and never text ("24")."""
WholeNumber = Annotated[int, Field(strict=True)]
"""A whole number, never a boolean and never text; every model uses it, strict or not."""
Level = Annotated[WholeNumber, Field(ge=0, le=4, description="KLASSA consequence level 0–4")]

# Characters that end a line or a paragraph wherever the text is shown: besides newline and
# carriage return, the vertical tab, form feed, the information separators, NEL and the Unicode
# line and paragraph separators (U+2028, U+2029), which PDF, HTML and many terminals break on.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# Invisible characters that are not formatting (category Cf) but show as nothing all the same.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0")
# Scripts whose letters look alike ("а" Cyrillic, "a" Latin): one word mixing two of them reads
# as a word it is not (a vendor "Micrоsoft" with a Cyrillic о).
_CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
_LETTERS = re.compile(r"[^\W\d_]+")


def one_line(value: str) -> str:
    """Names and labels are one line: a line break in a name could fake a line of a report."""
    found = next((c for c in value if c in _LINE_BREAKS), None)
    if found is not None:
        raise ValueError(f"must be one line, without line breaks (found U+{ord(found):04X})")
    return value


def _character(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip()


def _script(letter: str) -> str:
    return unicodedata.name(letter, "?").split(" ", 1)[0]


def plain_name(value: str) -> str:
    """A name reads as what it is: no invisible characters, no look-alike letters.

    Refused: zero-width and other invisible formatting characters (a name that looks the same
    as another but is not), compatibility look-alikes such as fullwidth or mathematical letters
    ("Ｍ", "𝐌"), and words that mix look-alike scripts (a Latin word with a Cyrillic "о").
    Words in different scripts side by side ("Tjänst Москва") are fine.
    """
    one_line(value)
    for c in value:
        if c in _INVISIBLE or unicodedata.category(c) == "Cf":
            raise ValueError(f"contains the invisible character {_character(c)}; remove it")
    for word in _LETTERS.findall(value):
        scripts: dict[str, str] = {}
        for c in word:
            if unicodedata.normalize("NFKC", c) != c:
                raise ValueError(f"'{c}' ({_character(c)}) in '{word}' is a look-alike of "
                                 f"'{unicodedata.normalize('NFKC', c)}'; write the plain letter")
            scripts.setdefault(_script(c), c)
        mixed = sorted(set(scripts) & _CONFUSABLE_SCRIPTS)
        if len(mixed) > 1:
            odd = scripts[mixed[0]]  # the first of them alphabetically; Latin sorts last
            raise ValueError(
                f"the word '{word}' mixes {' and '.join(m.title() for m in mixed)} letters "
                f"('{odd}' is {unicodedata.name(odd, '?')}): it looks like a word it is not")
    return value


FreeText = Annotated[str, StringConstraints(max_length=2000)]
ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(plain_name)]
"""Names, labels and other one-line texts: one line, nothing invisible, no look-alike letters."""


def _not_a_number(value: Any) -> Any:
    """A date is a YAML date or ISO text; a bare number would be taken as a Unix timestamp."""
    if isinstance(value, int | float):
        raise ValueError("write the date as YYYY-MM-DD, not as a number")
    return value


Date = Annotated[dt.date, BeforeValidator(_not_a_number), Field(strict=False)]

LawfulBasis = Literal[
    "consent", "contract", "legal_obligation", "vital_interests", "public_task",
    "legitimate_interests", "none",
]
SpecialCategory = Literal[
    "racial_or_ethnic_origin", "political_opinions", "religious_beliefs", "trade_union",
    "genetic", "biometric", "health", "sex_life_or_orientation",
]
Article9Exception = Literal["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "none"]
SecurityEvent = Literal[
    "unauthorised_access", "privileged_changes", "rights_changes", "sensitive_data_access",
]


class Section(BaseModel):
    """Base for every part of the description: strict types, no unknown keys, all optional."""

    model_config = INPUT_POLICY


ExtensionValue = bool | int | float | str | dt.date | list[str] | None


class Entry(Section):
    """One item of a list in the description (an integration, a sub-processor, a certificate, a
    purpose). Rulesets may ask more about each item than the model does."""

    extensions: dict[str, ExtensionValue] = Field(
        default_factory=dict,
        description="Answers for this item to facts declared by rulesets (extension facts "
        "with 'for_each:' this list)",
    )


class SystemIdentity(Section):
    name: ShortText | None = Field(None, description="Name of the system or service")
    purpose: FreeText | None = Field(
        None, description="What the system is for, in a sentence or two")
    capability: ShortText | None = Field(
        None, description="The capability it provides (e.g. 'learning platform'), for the register"
    )
    owner_board: ShortText | None = Field(
        None, description="Department or board (nämnd) that owns the system and is controller"
    )
    system_owner: ShortText | None = Field(None, description="Named system owner (systemägare)")
    information_owner: ShortText | None = Field(
        None, description="Named information owner (informationsägare)"
    )
    management_object: ShortText | None = Field(
        None, description="Management object (förvaltningsobjekt) the system belongs to"
    )
    municipal_company: bool | None = Field(
        None, description="Operated by a municipal company rather than the municipality itself"
    )
    lifecycle: Literal["planned", "pilot", "in_operation"] | None = Field(
        None, description="Where the system is: planned (no processing yet), pilot (real data, "
        "limited group) or in operation"
    )
    in_operation_since: Date | None = Field(
        None, description="When real data was first processed (pilot or operation)"
    )


class Certification(Entry):
    standard: Literal["iso27001", "iso27701", "iso27017", "iso27018", "soc2", "c5", "other"]
    covers_service: bool | None = Field(
        None, description="The certificate's scope includes this service"
    )
    valid_until: Date | None = None


class Vendor(Section):
    name: ShortText | None = None
    country: Country | None = Field(None, description="Country of the contracting vendor")
    parent_company: ShortText | None = None
    parent_country: Country | None = Field(None, description="Jurisdiction of the parent company")
    third_country_law_access: bool | None = Field(
        None,
        description="Vendor or parent is subject to third-country law that can compel disclosure "
        "without mutual legal assistance (e.g. US CLOUD Act, FISA 702)",
    )
    dpf_certified: bool | None = Field(
        None, description="The US recipient is certified under the EU-US Data Privacy Framework"
    )
    certifications: list[Certification] | None = None


class Users(Section):
    staff: bool | None = Field(None, description="Staff use the system or are data subjects")
    citizens: bool | None = None
    pupils: bool | None = None
    children: bool | None = Field(None, description="Children under 18 use it or are data subjects")
    patients: bool | None = None
    number_of_users: Annotated[WholeNumber, Field(ge=0)] | None = None
    number_of_data_subjects: Annotated[WholeNumber, Field(ge=0)] | None = None


VendorRole = Literal["processor", "independent_controller", "joint_controller"]


class Purpose(Entry):
    purpose: FreeText
    lawful_basis: LawfulBasis | None = None
    national_legal_basis: ShortText | None = Field(
        None, description="Law giving the Art. 6(3) basis for 6.1(c)/(e), e.g. skollagen (2010:800)"
    )
    vendor_role: VendorRole | None = Field(
        None, description="The vendor's role in this processing (GDPR Art. 4(7)-(8), 26, 28)"
    )


class Dpia(Section):
    status: Literal["not_started", "in_progress", "approved", "not_required"] | None = None
    approved_on: Date | None = None
    meets_art_35_7: bool | None = Field(
        None, description="Describes processing, necessity, risks and measures (Art. 35(7))"
    )
    residual_high_risk: bool | None = Field(
        None, description="High risk remains after measures (Art. 36 prior consultation)"
    )
    prior_consultation_done: bool | None = None


class DataSubjectRights(Section):
    access: bool | None = None
    rectification: bool | None = None
    erasure: bool | None = None
    portability: bool | None = None


class PersonalData(Section):
    processed: bool | None = Field(None, description="The system processes personal data")
    categories: list[ShortText] | None = None
    special_categories: list[SpecialCategory] | None = Field(
        None, description="GDPR Art. 9 categories processed; [] means none"
    )
    article_9_exception: Article9Exception | None = Field(
        None, description="Art. 9(2) point relied on (a–j), or none identified"
    )
    criminal_data: bool | None = Field(None, description="Art. 10 data on offences")
    children_data: bool | None = None
    protected_identities: bool | None = Field(
        None, description="Persons with protected identity (skyddade personuppgifter)"
    )
    protected_identity_routine: bool | None = Field(
        None, description="Documented routine that keeps protected identities' details hidden "
        "(who may see them, no addresses or schools shown, no disclosure by export)"
    )
    protected_identity_access_tested: bool | None = Field(
        None, description="Access to protected identities is restricted in the system and a test "
        "has shown that users without the right cannot see them"
    )
    national_id_numbers: bool | None = Field(None, description="Personnummer / samordningsnummer")
    purposes: list[Purpose] | None = None
    children_age_band: Literal["under_13", "13_to_17", "mixed"] | None = Field(
        None, description="Ages of the children concerned (Art. 8: 13 in Sweden)"
    )
    consent_used: bool | None = None
    consent_given_by: list[Literal["data_subject", "guardian"]] | None = Field(
        None, description="Who gives the consent where consent is used"
    )
    subjects_depend_on_controller: bool | None = Field(
        None, description="Data subjects depend on the controller (pupils, staff, clients)"
    )
    transparency_information: bool | None = Field(
        None, description="Data subjects are given the information of GDPR Art. 13-14"
    )
    guardians_informed: bool | None = Field(
        None, description="Guardians of the children concerned are informed (Art. 12, recital 58)"
    )
    intrusive_defaults: bool | None = Field(
        None, description="Features that collect or show more personal data than the purpose "
        "needs are on by default (Art. 25(2))"
    )
    dpia: Dpia | None = None
    ropa_entry: bool | None = Field(None, description="Entered in the Art. 30 record of processing")
    minimisation_assessed: bool | None = None
    less_intrusive_alternative: bool | None = Field(
        None, description="A less intrusive way to reach the same purpose exists (Art. 5(1)(c))"
    )
    necessity_conclusion: Literal[
        "necessary_and_proportionate", "not_necessary", "disproportionate"
    ] | None = Field(None, description="What the necessity and proportionality assessment "
                     "concluded (Art. 35(7)(b))")
    retention_defined: bool | None = None
    retention_follows_disposal_decision: bool | None = None
    data_subject_rights: DataSubjectRights | None = None


class DpiaScreening(Section):
    """The nine WP248 rev.01 criteria, answered directly."""

    evaluation_or_scoring: bool | None = None
    automated_decisions: bool | None = None
    systematic_monitoring: bool | None = None
    sensitive_data: bool | None = None
    large_scale: bool | None = None
    combined_datasets: bool | None = None
    vulnerable_subjects: bool | None = None
    innovative_technology: bool | None = None
    blocks_right_or_service: bool | None = None


class Classification(Section):
    done: bool | None = Field(None, description="An information classification has been made")
    method: Literal["klassa", "msb", "other"] | None = None
    confidentiality: Level | None = None
    integrity: Level | None = None
    availability: Level | None = None
    traceability: Level | None = None
    osl_secrecy: bool | None = Field(None, description="Secrecy under OSL (2009:400) applies")
    osl_provisions: list[ShortText] | None = None
    security_protection: bool | None = Field(
        None, description="Säkerhetsskyddslagen (2018:585) applies"
    )
    security_protection_analysis: bool | None = None
    security_protection_agreement: bool | None = None
    controls_derived: bool | None = Field(
        None, description="Required measures derived from the levels (handlingsplan)"
    )


class Subprocessor(Entry):
    name: ShortText
    country: Country | None = None
    service: ShortText | None = None
    third_country_law_access: bool | None = None


class DataStore(Section):
    """Where one kind of data lives, and whether the provider can read it there."""

    countries: list[Location] | None = Field(
        None, description="Countries (or EU/EEA) where this data is stored or processed"
    )
    end_to_end_encrypted: bool | None = Field(
        None, description="Encrypted before it reaches the provider, so the provider never sees "
        "clear text"
    )
    customer_held_keys: bool | None = Field(
        None, description="The keys are held only by the municipality (or a party in the EEA), "
        "out of the provider's reach"
    )


SupplementaryMeasure = Literal[
    "encryption_keys_in_eea", "pseudonymisation_keys_in_eea", "split_processing",
    "transport_encryption", "provider_held_key_encryption", "ip_truncation",
    "contractual_commitments", "organisational_measures",
]


class Hosting(Section):
    deployment: Literal["saas", "paas", "iaas", "on_premises", "hybrid"] | None = None
    vendor_access: bool | None = Field(
        None, description="The vendor or its sub-processors can reach the data at all (hosting, "
        "remote support, administration)"
    )
    eea_only: bool | None = Field(
        None, description="All data of every kind, all support and administration access and "
        "every sub-processor stay within the EU/EEA"
    )
    content: DataStore = DataStore()
    backups: DataStore = DataStore()
    support_data: DataStore = DataStore()
    diagnostic_data: DataStore = DataStore()
    support_access_countries: list[Location] | None = None
    admin_access_countries: list[Location] | None = None
    subprocessors: list[Subprocessor] | None = None
    subprocessors_located: Literal[
        "no_subprocessors", "eea_or_adequate", "third_countries", "not_provided"
    ] | None = Field(None, description="Where the sub-processors are, when the list itself is "
                     "not at hand")
    subprocessors_disclosed: bool | None = None
    transfer_mechanism: Literal[
        "adequacy", "dpf", "privacy_shield", "scc", "bcr", "derogation", "none"
    ] | None = None
    transfer_impact_assessment: bool | None = None
    tia_conclusion: Literal[
        "equivalent_without_measures", "equivalent_with_measures", "not_equivalent"
    ] | None = Field(None, description="What the transfer impact assessment concluded")
    supplementary_measures: list[SupplementaryMeasure] | None = Field(
        None, description="Supplementary measures in place for the transfer (EDPB 01/2020)"
    )
    encryption_at_rest: bool | None = None
    encryption_in_transit: bool | None = None
    data_location_in_contract: bool | None = None
    technical_processing_only: bool | None = Field(
        None, description="Provider only stores or processes technically (OSL 10 kap. 2 a §)"
    )
    osl_disclosure_assessment: bool | None = Field(
        None, description="Documented OSL 10:2a 'olämplighet' assessment"
    )
    esam_aspects_assessed: bool | None = None


class ProcessorAgreement(Section):
    signed: bool | None = None
    covers_telemetry: bool | None = None
    covers_support_data: bool | None = None


class Contract(Section):
    processor_agreement: ProcessorAgreement | None = None
    joint_controller_arrangement: bool | None = Field(
        None, description="An arrangement under GDPR Art. 26 sets out the joint controllers' "
        "responsibilities"
    )
    vendor_own_purposes: bool | None = Field(
        None, description="Vendor uses customer data for its own purposes"
    )
    unilateral_changes: bool | None = Field(
        None, description="Vendor may change terms unilaterally"
    )
    audit_rights: bool | None = None
    staff_confidentiality_2020_914: bool | None = Field(
        None, description="Vendor staff bound by lag (2020:914) om tystnadsplikt"
    )
    supply_chain_assessed: bool | None = None
    subprocessor_change_notice: bool | None = None


class Access(Section):
    sso: bool | None = None
    sso_protocol: Literal["saml", "oidc", "other", "none"] | None = None
    mfa_users: bool | None = None
    mfa_admins: bool | None = None
    assurance_level: Annotated[WholeNumber, Field(ge=1, le=4)] | None = Field(
        None, description="Authentication assurance level (LoA 1–4; eIDAS substantial = 3)"
    )
    staff_eid: list[Literal["siths", "freja_plus", "bankid", "skatteverket", "other"]] | None = None
    accepts_foreign_eid: bool | None = None
    role_based: bool | None = None
    time_limited_rights: bool | None = None
    review_interval_months: Annotated[WholeNumber, Field(ge=0, le=120)] | None = None
    separate_admin_identities: bool | None = None
    separate_test_identities: bool | None = None
    admin_interface_internet_exposed: bool | None = None
    subject_separation_tested: bool | None = Field(
        None, description="Tested that users see only the data subjects they may (a guardian only "
        "their own child, a teacher only their own pupils)"
    )


class Logging(Section):
    security_events: list[SecurityEvent] | None = None
    retention_days: Annotated[WholeNumber, Field(ge=0)] | None = None
    tamper_protected: bool | None = None
    access_restricted: bool | None = None
    customer_access: bool | None = None
    follow_up: bool | None = Field(None, description="Logs are reviewed for anomalies")
    retention_defined: bool | None = None


class Continuity(Section):
    availability_target: Annotated[Number, Field(ge=0, le=100)] | None = Field(
        None, description="Contracted availability in percent"
    )
    rto_hours: Annotated[Number, Field(ge=0)] | None = None
    rpo_hours: Annotated[Number, Field(ge=0)] | None = None
    backups: bool | None = None
    restore_tested: bool | None = None
    continuity_plan: bool | None = None


class SecurityTesting(Section):
    penetration_tests: bool | None = None
    interval_months: Annotated[WholeNumber, Field(ge=0, le=120)] | None = None
    vulnerability_management: bool | None = None
    incident_notification_hours: Annotated[WholeNumber, Field(ge=0)] | None = None


class Integration(Entry):
    counterpart: ShortText
    protocol: ShortText | None = None
    open_standard: bool | None = None
    data: ShortText | None = None
    direction: Literal["inbound", "outbound", "both"] | None = None
    personal_data: bool | None = None
    encrypted: bool | None = None


class Telemetry(Section):
    collected: bool | None = None
    customer_can_restrict: bool | None = None
    includes_personal_data: bool | None = None
    includes_content: bool | None = None
    visitor_tracking: bool | None = Field(
        None, description="Scripts, cookies or pixels store or read information in visitors' "
        "browsers beyond what is strictly necessary (LEK 9 kap. 28 §)"
    )
    visitor_consent: bool | None = Field(
        None, description="Visitors consent before such information is stored or read, and can "
        "refuse as easily"
    )


class ArtificialIntelligence(Section):
    used: bool | None = None
    automated_decisions: bool | None = None
    human_review: bool | None = None
    trains_on_customer_data: bool | None = None


class Exit(Section):
    export_formats: list[ShortText] | None = None
    open_format_export: bool | None = None
    deletion_at_end: bool | None = None
    exit_plan: bool | None = None


class Archiving(Section):
    public_records: bool | None = Field(None, description="The system holds allmänna handlingar")
    records_identified: bool | None = None
    disposal_decision: bool | None = Field(None, description="A gallringsbeslut covers the data")
    deletion_requires_decision: bool | None = None
    preservation_required: bool | None = Field(
        None, description="Some records must be preserved (bevaras) under the disposal decision; "
        "false when every record may be disposed of"
    )
    e_archive_export: bool | None = Field(None, description="Export the e-archive accepts (FGS)")
    archive_protection: bool | None = None
    retrievable_for_disclosure: bool | None = Field(
        None, description="Records can be found and extracted promptly to answer requests for "
        "public documents (TF 2 kap.)"
    )


class ReviewInfo(Section):
    date: Date | None = Field(None, description="Date of this review (fixes the report's date)")
    reviewer: ShortText | None = None
    next_review: Date | None = None


class PreviousAnswer(Section):
    """An answer that a later one replaced, kept so that a change can be traced."""

    value: Any = Field(None, description="The answer before the change; null means unknown")
    who: ShortText | None = None
    role: Addressee | None = None
    when: Date | None = None
    source: ShortText | None = None
    comment: FreeText | None = None


class Provenance(Section):
    """Who gave one answer, when, and where it is documented.

    Kept beside the answers (``provenance:`` keyed by fact path) rather than inside them, so the
    answers stay plain values a person reads and edits; a decision can then tell the vendor's
    word from a clause someone verified in the contract.
    """

    who: ShortText | None = Field(None, description="Who answered: a name, or the vendor's name")
    role: Addressee = Field(description="In which role: vendor, information_owner, "
                            "system_owner, dpo, security_protection_officer, procurement")
    when: Date = Field(description="When the answer was given (YYYY-MM-DD)")
    source: ShortText | None = Field(
        None, description="Where it is documented: contract clause, certificate, DPA annex")
    comment: FreeText | None = None
    history: list[PreviousAnswer] = Field(
        default_factory=list, description="Earlier answers to the same question, oldest first")


def _known_fact(path: str) -> str:
    """A provenance key names a fact of the model (or an extension fact, checked on loading)."""
    from secreview.errors import did_you_mean
    from secreview.facts import core_facts

    if path.startswith("extensions.") or (path in core_facts()
                                          and not path.startswith("derived.")):
        return path
    hint = did_you_mean(path, [p for p in core_facts() if not p.startswith("derived.")])
    raise ValueError(f"'{path}' is not a fact of the system description"
                     + (f"; {hint}" if hint else ""))


FactPath = Annotated[str, AfterValidator(_known_fact)]

class SystemDescription(Section):
    """The whole description. Sections that are left out are entirely unknown."""

    schema_: str | None = Field(None, alias="$schema", description="Editor schema hint (ignored)")
    system: SystemIdentity = SystemIdentity()
    vendor: Vendor = Vendor()
    users: Users = Users()
    personal_data: PersonalData = PersonalData()
    dpia_screening: DpiaScreening = DpiaScreening()
    classification: Classification = Classification()
    hosting: Hosting = Hosting()
    contract: Contract = Contract()
    access: Access = Access()
    logging: Logging = Logging()
    continuity: Continuity = Continuity()
    security_testing: SecurityTesting = SecurityTesting()
    integrations: list[Integration] | None = None
    data_flows_documented: bool | None = None
    telemetry: Telemetry = Telemetry()
    ai: ArtificialIntelligence = ArtificialIntelligence()
    exit: Exit = Exit()
    archiving: Archiving = Archiving()
    review: ReviewInfo = ReviewInfo()
    extensions: dict[str, ExtensionValue] = Field(
        default_factory=dict,
        description="Answers to facts declared by rulesets (extension facts)",
    )
    provenance: dict[FactPath, Provenance] = Field(
        default_factory=dict,
        description="Who gave each answer, keyed by fact path (written by 'secreview answers "
        "import'); answers without an entry were written by the author of the description",
    )

    model_config = INPUT_POLICY


def system_json_schema() -> dict[str, Any]:
    """JSON Schema for system descriptions, generated from the model."""
    schema = SystemDescription.model_json_schema(by_alias=True)
    schema["title"] = "secreview system description"
    return schema
