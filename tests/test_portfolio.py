"""The exemplar table against the report's own figures (report table, 'About NCIMI')."""

from imaging_value import data_quality_findings, portfolio_summary

# The report's table, transcribed by hand: name -> (modalities, size or None, NHS partners)
REPORT_TABLE = {
    "AI and Cardio CT Scans": (("CT",), 54000, 6),
    "AI and Lymphoma": (("PET/CT",), 2400, 5),
    "Childhood Obesity": (("MRI",), 2500, 3),
    "Critical Care X-ray": (("X-ray",), 32500, 14),
    "Diabetes and Imaging": (("MRI",), 1000, 3),
    "Early diagnosis and treatment planning for Endometriosis": (("MRI",), 100, 1),
    "EchoGo for Chemo": (("Echocardiograms",), 54000, 4),
    "Enhancing PET-CT workflow and data quality": (("CT",), 3000, 6),
    "Haemochromatosis": (("MRI",), 1000, 4),
    "HOST": (("CT",), 15392, 5),
    "Improving Lung Cancer Treatment": (("CT",), 150000, 14),
    "Lung Cancer Prediction": (("CT",), 4000, 11),
    "Mapping Organ Health following COVID-19": (("MRI",), None, 2),
    "POST: Using AI to assess long-term lung damage due to COVID-19": (("MRI", "CT"), 6000, 2),
    "Predict Meso": (("MRI",), 6000, 3),
    "Stroke and AI": (("CT",), None, 5),
    "Automated Screening Tool for Spinal Cancers": (("MRI",), 3000, 1),
    "Chronic backpain": (("MRI",), 2500, 14),
}


def test_every_exemplar_matches_the_report_table(dataset):
    table = {p.name: (p.modalities, p.dataset_size, p.nhs_partners) for p in dataset.projects}
    assert table == REPORT_TABLE


def test_unknown_sizes_keep_their_reason_and_are_never_zero(dataset):
    notes = {p.name: p.dataset_size_note for p in dataset.projects if p.dataset_size is None}
    assert notes == {"Mapping Organ Health following COVID-19": "TBC", "Stroke and AI": "N/A"}
    assert all(p.dataset_size != 0 for p in dataset.projects)


def test_summary_figures(dataset):
    summary = portfolio_summary(dataset)
    # 54000+2400+2500+32500+1000+100+54000+3000+1000+15392+150000+4000+6000+6000+3000+2500
    assert summary["images_known"] == 337_392
    assert summary["projects"] == 18
    assert summary["projects_size_unknown"] == 2
    # 6+5+3+14+3+1+4+6+4+5+14+11+2+2+3+5+1+14
    assert summary["nhs_partner_links"] == 103
    # POST (MRI and CT, 6,000) counts under both modalities
    assert summary["images_by_modality"] == {
        "CT": 54000 + 3000 + 15392 + 150000 + 4000 + 6000,
        "MRI": 2500 + 1000 + 100 + 1000 + 6000 + 6000 + 3000 + 2500,
        "PET/CT": 2400,
        "X-ray": 32500,
        "Echocardiograms": 54000,
    }


def test_inconsistencies_are_reported_not_fixed(dataset):
    findings = {(f.project, f.field) for f in data_quality_findings(dataset)}
    assert ("HOST", "dataset_size") in findings  # 6,500 patients vs 15,392 images
    assert ("Predict Meso", "modalities") in findings  # listed MRI, text speaks of CT
    assert ("Stroke and AI", "dataset_size") in findings  # N/A in the table, 0 in the appendix
    assert not any(f.project == "AI and Cardio CT Scans" for f in data_quality_findings(dataset))
    meso = next(p for p in dataset.projects if p.name == "Predict Meso")
    assert meso.modalities == ("MRI",)


def test_requester_per_exemplar_is_marked_as_assumption(dataset):
    assert all(p.requester_assumed for p in dataset.projects)
    ge = next(p for p in dataset.projects if p.name == "Critical Care X-ray")
    assert (ge.company, ge.requester_kind) == ("GE Healthcare", "multinational")
