locals {
  cluster_name                 = "public-dns.example.com"
  default_security_group_id    = aws_default_security_group.default-public-dns-example-com.id
  master_autoscaling_group_ids = [aws_autoscaling_group.control-plane-us-east-1a-masters-public-dns-example-com.id, aws_autoscaling_group.control-plane-us-east-1b-masters-public-dns-example-com.id, aws_autoscaling_group.control-plane-us-east-1c-masters-public-dns-example-com.id]
  master_security_group_ids    = [aws_security_group.masters-public-dns-example-com.id]
  masters_role_arn             = aws_iam_role.masters-public-dns-example-com.arn
  masters_role_name            = aws_iam_role.masters-public-dns-example-com.name
  node_autoscaling_group_ids   = [aws_autoscaling_group.nodes-us-east-1a-public-dns-example-com.id, aws_autoscaling_group.nodes-us-east-1b-public-dns-example-com.id, aws_autoscaling_group.nodes-us-east-1c-public-dns-example-com.id]
  node_security_group_ids      = [aws_security_group.nodes-public-dns-example-com.id]
  node_subnet_ids              = [aws_subnet.us-east-1a-public-dns-example-com.id, aws_subnet.us-east-1b-public-dns-example-com.id, aws_subnet.us-east-1c-public-dns-example-com.id]
  nodes_role_arn               = aws_iam_role.nodes-public-dns-example-com.arn
  nodes_role_name              = aws_iam_role.nodes-public-dns-example-com.name
  region                       = "us-east-1"
  route_table_public_id        = aws_route_table.public-dns-example-com.id
  subnet_us-east-1a_id         = aws_subnet.us-east-1a-public-dns-example-com.id
  subnet_us-east-1b_id         = aws_subnet.us-east-1b-public-dns-example-com.id
  subnet_us-east-1c_id         = aws_subnet.us-east-1c-public-dns-example-com.id
  vpc_cidr_block               = aws_vpc.public-dns-example-com.cidr_block
  vpc_id                       = aws_vpc.public-dns-example-com.id
  vpc_ipv6_cidr_block          = aws_vpc.public-dns-example-com.ipv6_cidr_block
  vpc_ipv6_cidr_length         = local.vpc_ipv6_cidr_block == "" ? null : tonumber(regex(".*/(\\d+)", local.vpc_ipv6_cidr_block)[0])
}

output "cluster_name" {
  value = "public-dns.example.com"
}

output "default_security_group_id" {
  value = aws_default_security_group.default-public-dns-example-com.id
}

output "master_autoscaling_group_ids" {
  value = [aws_autoscaling_group.control-plane-us-east-1a-masters-public-dns-example-com.id, aws_autoscaling_group.control-plane-us-east-1b-masters-public-dns-example-com.id, aws_autoscaling_group.control-plane-us-east-1c-masters-public-dns-example-com.id]
}

output "master_security_group_ids" {
  value = [aws_security_group.masters-public-dns-example-com.id]
}

output "masters_role_arn" {
  value = aws_iam_role.masters-public-dns-example-com.arn
}

output "masters_role_name" {
  value = aws_iam_role.masters-public-dns-example-com.name
}

output "node_autoscaling_group_ids" {
  value = [aws_autoscaling_group.nodes-us-east-1a-public-dns-example-com.id, aws_autoscaling_group.nodes-us-east-1b-public-dns-example-com.id, aws_autoscaling_group.nodes-us-east-1c-public-dns-example-com.id]
}

output "node_security_group_ids" {
  value = [aws_security_group.nodes-public-dns-example-com.id]
}

output "node_subnet_ids" {
  value = [aws_subnet.us-east-1a-public-dns-example-com.id, aws_subnet.us-east-1b-public-dns-example-com.id, aws_subnet.us-east-1c-public-dns-example-com.id]
}

output "nodes_role_arn" {
  value = aws_iam_role.nodes-public-dns-example-com.arn
}

output "nodes_role_name" {
  value = aws_iam_role.nodes-public-dns-example-com.name
}

output "region" {
  value = "us-east-1"
}

output "route_table_public_id" {
  value = aws_route_table.public-dns-example-com.id
}

output "subnet_us-east-1a_id" {
  value = aws_subnet.us-east-1a-public-dns-example-com.id
}

output "subnet_us-east-1b_id" {
  value = aws_subnet.us-east-1b-public-dns-example-com.id
}

output "subnet_us-east-1c_id" {
  value = aws_subnet.us-east-1c-public-dns-example-com.id
}

output "vpc_cidr_block" {
  value = aws_vpc.public-dns-example-com.cidr_block
}

output "vpc_id" {
  value = aws_vpc.public-dns-example-com.id
}

output "vpc_ipv6_cidr_block" {
  value = aws_vpc.public-dns-example-com.ipv6_cidr_block
}

output "vpc_ipv6_cidr_length" {
  value = local.vpc_ipv6_cidr_block == "" ? null : tonumber(regex(".*/(\\d+)", local.vpc_ipv6_cidr_block)[0])
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "files"
  region = "us-east-1"
}

resource "aws_autoscaling_group" "control-plane-us-east-1a-masters-public-dns-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.control-plane-us-east-1a-masters-public-dns-example-com.id
    version = aws_launch_template.control-plane-us-east-1a-masters-public-dns-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "control-plane-us-east-1a.masters.public-dns.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "public-dns.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "control-plane-us-east-1a.masters.public-dns.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-us-east-1a"
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/role/control-plane"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "k8s.io/role/master"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-us-east-1a"
  }
  tag {
    key                 = "kubernetes.io/cluster/public-dns.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.us-east-1a-public-dns-example-com.id]
}

resource "aws_autoscaling_group" "control-plane-us-east-1b-masters-public-dns-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.control-plane-us-east-1b-masters-public-dns-example-com.id
    version = aws_launch_template.control-plane-us-east-1b-masters-public-dns-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "control-plane-us-east-1b.masters.public-dns.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "public-dns.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "control-plane-us-east-1b.masters.public-dns.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-us-east-1b"
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/role/control-plane"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "k8s.io/role/master"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-us-east-1b"
  }
  tag {
    key                 = "kubernetes.io/cluster/public-dns.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.us-east-1b-public-dns-example-com.id]
}

resource "aws_autoscaling_group" "control-plane-us-east-1c-masters-public-dns-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.control-plane-us-east-1c-masters-public-dns-example-com.id
    version = aws_launch_template.control-plane-us-east-1c-masters-public-dns-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "control-plane-us-east-1c.masters.public-dns.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "public-dns.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "control-plane-us-east-1c.masters.public-dns.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-us-east-1c"
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/role/control-plane"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "k8s.io/role/master"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-us-east-1c"
  }
  tag {
    key                 = "kubernetes.io/cluster/public-dns.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.us-east-1c-public-dns-example-com.id]
}

resource "aws_autoscaling_group" "nodes-us-east-1a-public-dns-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.nodes-us-east-1a-public-dns-example-com.id
    version = aws_launch_template.nodes-us-east-1a-public-dns-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "nodes-us-east-1a.public-dns.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "public-dns.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "nodes-us-east-1a.public-dns.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-us-east-1a"
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/role/node"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-us-east-1a"
  }
  tag {
    key                 = "kubernetes.io/cluster/public-dns.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.us-east-1a-public-dns-example-com.id]
}

resource "aws_autoscaling_group" "nodes-us-east-1b-public-dns-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.nodes-us-east-1b-public-dns-example-com.id
    version = aws_launch_template.nodes-us-east-1b-public-dns-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "nodes-us-east-1b.public-dns.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "public-dns.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "nodes-us-east-1b.public-dns.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-us-east-1b"
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/role/node"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-us-east-1b"
  }
  tag {
    key                 = "kubernetes.io/cluster/public-dns.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.us-east-1b-public-dns-example-com.id]
}

resource "aws_autoscaling_group" "nodes-us-east-1c-public-dns-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.nodes-us-east-1c-public-dns-example-com.id
    version = aws_launch_template.nodes-us-east-1c-public-dns-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "nodes-us-east-1c.public-dns.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "public-dns.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "nodes-us-east-1c.public-dns.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-us-east-1c"
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/role/node"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-us-east-1c"
  }
  tag {
    key                 = "kubernetes.io/cluster/public-dns.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.us-east-1c-public-dns-example-com.id]
}

resource "aws_autoscaling_lifecycle_hook" "control-plane-us-east-1a-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.control-plane-us-east-1a-masters-public-dns-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "control-plane-us-east-1a-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "control-plane-us-east-1b-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.control-plane-us-east-1b-masters-public-dns-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "control-plane-us-east-1b-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "control-plane-us-east-1c-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.control-plane-us-east-1c-masters-public-dns-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "control-plane-us-east-1c-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "nodes-us-east-1a-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.nodes-us-east-1a-public-dns-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "nodes-us-east-1a-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "nodes-us-east-1b-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.nodes-us-east-1b-public-dns-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "nodes-us-east-1b-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "nodes-us-east-1c-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.nodes-us-east-1c-public-dns-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "nodes-us-east-1c-NTHLifecycleHook"
}

resource "aws_cloudwatch_event_rule" "public-dns-example-com-ASGLifecycle" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_public-dns.example.com-ASGLifecycle_event_pattern")
  name          = "public-dns.example.com-ASGLifecycle"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com-ASGLifecycle"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_rule" "public-dns-example-com-InstanceScheduledChange" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_public-dns.example.com-InstanceScheduledChange_event_pattern")
  name          = "public-dns.example.com-InstanceScheduledChange"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com-InstanceScheduledChange"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_rule" "public-dns-example-com-InstanceStateChange" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_public-dns.example.com-InstanceStateChange_event_pattern")
  name          = "public-dns.example.com-InstanceStateChange"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com-InstanceStateChange"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_rule" "public-dns-example-com-SpotInterruption" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_public-dns.example.com-SpotInterruption_event_pattern")
  name          = "public-dns.example.com-SpotInterruption"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com-SpotInterruption"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_target" "public-dns-example-com-ASGLifecycle-Target" {
  arn  = aws_sqs_queue.public-dns-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.public-dns-example-com-ASGLifecycle.id
}

resource "aws_cloudwatch_event_target" "public-dns-example-com-InstanceScheduledChange-Target" {
  arn  = aws_sqs_queue.public-dns-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.public-dns-example-com-InstanceScheduledChange.id
}

resource "aws_cloudwatch_event_target" "public-dns-example-com-InstanceStateChange-Target" {
  arn  = aws_sqs_queue.public-dns-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.public-dns-example-com-InstanceStateChange.id
}

resource "aws_cloudwatch_event_target" "public-dns-example-com-SpotInterruption-Target" {
  arn  = aws_sqs_queue.public-dns-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.public-dns-example-com-SpotInterruption.id
}

resource "aws_cloudwatch_log_group" "flow-logs-public-dns-example-com" {
  kms_key_id        = aws_kms_key.flow-logs-public-dns-example-com.arn
  name              = "flow-logs.public-dns.example.com"
  retention_in_days = 365
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "flow-logs.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_default_security_group" "default-public-dns-example-com" {
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "default.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_ebs_volume" "a-etcd-events-public-dns-example-com" {
  availability_zone = "us-east-1a"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "a.etcd-events.public-dns.example.com"
    "k8s.io/etcd/events"                           = "a/a,b,c"
    "k8s.io/role/control-plane"                    = "1"
    "k8s.io/role/master"                           = "1"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "a-etcd-main-public-dns-example-com" {
  availability_zone = "us-east-1a"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "a.etcd-main.public-dns.example.com"
    "k8s.io/etcd/main"                             = "a/a,b,c"
    "k8s.io/role/control-plane"                    = "1"
    "k8s.io/role/master"                           = "1"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "b-etcd-events-public-dns-example-com" {
  availability_zone = "us-east-1b"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "b.etcd-events.public-dns.example.com"
    "k8s.io/etcd/events"                           = "b/a,b,c"
    "k8s.io/role/control-plane"                    = "1"
    "k8s.io/role/master"                           = "1"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "b-etcd-main-public-dns-example-com" {
  availability_zone = "us-east-1b"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "b.etcd-main.public-dns.example.com"
    "k8s.io/etcd/main"                             = "b/a,b,c"
    "k8s.io/role/control-plane"                    = "1"
    "k8s.io/role/master"                           = "1"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "c-etcd-events-public-dns-example-com" {
  availability_zone = "us-east-1c"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "c.etcd-events.public-dns.example.com"
    "k8s.io/etcd/events"                           = "c/a,b,c"
    "k8s.io/role/control-plane"                    = "1"
    "k8s.io/role/master"                           = "1"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "c-etcd-main-public-dns-example-com" {
  availability_zone = "us-east-1c"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "c.etcd-main.public-dns.example.com"
    "k8s.io/etcd/main"                             = "c/a,b,c"
    "k8s.io/role/control-plane"                    = "1"
    "k8s.io/role/master"                           = "1"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_flow_log" "flow-logs-public-dns-example-com" {
  iam_role_arn             = aws_iam_role.flow-logs-public-dns-example-com.arn
  log_destination          = aws_cloudwatch_log_group.flow-logs-public-dns-example-com.arn
  log_destination_type     = "cloud-watch-logs"
  max_aggregation_interval = 600
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "flow-logs.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  traffic_type = "ALL"
  vpc_id       = aws_vpc.public-dns-example-com.id
}

resource "aws_iam_instance_profile" "masters-public-dns-example-com" {
  name = "masters.public-dns.example.com"
  role = aws_iam_role.masters-public-dns-example-com.name
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "masters.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_iam_instance_profile" "nodes-public-dns-example-com" {
  name = "nodes.public-dns.example.com"
  role = aws_iam_role.nodes-public-dns-example-com.name
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "nodes.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_iam_role" "flow-logs-public-dns-example-com" {
  assume_role_policy = templatefile("${path.module}/data/aws_iam_role_flow-logs.public-dns.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  name               = "flow-logs.public-dns.example.com"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "flow-logs.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_iam_role" "masters-public-dns-example-com" {
  assume_role_policy = file("${path.module}/data/aws_iam_role_masters.public-dns.example.com_policy")
  name               = "masters.public-dns.example.com"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "masters.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_iam_role" "nodes-public-dns-example-com" {
  assume_role_policy = file("${path.module}/data/aws_iam_role_nodes.public-dns.example.com_policy")
  name               = "nodes.public-dns.example.com"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "nodes.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_iam_role_policy" "flow-logs-public-dns-example-com" {
  name   = "flow-logs.public-dns.example.com"
  policy = templatefile("${path.module}/data/aws_iam_role_policy_flow-logs.public-dns.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  role   = aws_iam_role.flow-logs-public-dns-example-com.name
}

resource "aws_iam_role_policy" "masters-public-dns-example-com" {
  name   = "masters.public-dns.example.com"
  policy = templatefile("${path.module}/data/aws_iam_role_policy_masters.public-dns.example.com_policy", { hosted_zone_id = data.aws_route53_zone.example-com.zone_id })
  role   = aws_iam_role.masters-public-dns-example-com.name
}

resource "aws_iam_role_policy" "nodes-public-dns-example-com" {
  name   = "nodes.public-dns.example.com"
  policy = file("${path.module}/data/aws_iam_role_policy_nodes.public-dns.example.com_policy")
  role   = aws_iam_role.nodes-public-dns-example-com.name
}

resource "aws_iam_role_policy" "ssm-masters-public-dns-example-com" {
  name   = "ssm.masters.public-dns.example.com"
  policy = file("${path.module}/data/aws_iam_role_policy_ssm.masters.public-dns.example.com_policy")
  role   = aws_iam_role.masters-public-dns-example-com.name
}

resource "aws_iam_role_policy" "ssm-nodes-public-dns-example-com" {
  name   = "ssm.nodes.public-dns.example.com"
  policy = file("${path.module}/data/aws_iam_role_policy_ssm.nodes.public-dns.example.com_policy")
  role   = aws_iam_role.nodes-public-dns-example-com.name
}

resource "aws_internet_gateway" "public-dns-example-com" {
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_kms_key" "flow-logs-public-dns-example-com" {
  deletion_window_in_days = 30
  description             = "Encrypts the VPC flow logs of the cluster public-dns.example.com"
  enable_key_rotation     = true
  policy                  = templatefile("${path.module}/data/aws_kms_key_flow-logs.public-dns.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "flow-logs.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_launch_template" "control-plane-us-east-1a-masters-public-dns-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 64
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.masters-public-dns-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.medium"
  lifecycle {
    create_before_destroy = true
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_protocol_ipv6          = "disabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
  monitoring {
    enabled = false
  }
  name = "control-plane-us-east-1a.masters.public-dns.example.com"
  network_interfaces {
    associate_public_ip_address = true
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.masters-public-dns-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1a.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1a"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1a"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1a.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1a"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1a"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1a.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1a"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1a"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                                                     = "public-dns.example.com"
    "Name"                                                                                                  = "control-plane-us-east-1a.masters.public-dns.example.com"
    "aws-node-termination-handler/managed"                                                                  = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1a"
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
    "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
    "k8s.io/role/control-plane"                                                                             = "1"
    "k8s.io/role/master"                                                                                    = "1"
    "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1a"
    "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_control-plane-us-east-1a.masters.public-dns.example.com_user_data")
}

resource "aws_launch_template" "control-plane-us-east-1b-masters-public-dns-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 64
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.masters-public-dns-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.medium"
  lifecycle {
    create_before_destroy = true
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_protocol_ipv6          = "disabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
  monitoring {
    enabled = false
  }
  name = "control-plane-us-east-1b.masters.public-dns.example.com"
  network_interfaces {
    associate_public_ip_address = true
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.masters-public-dns-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1b.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1b"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1b"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1b.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1b"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1b"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1b.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1b"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1b"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                                                     = "public-dns.example.com"
    "Name"                                                                                                  = "control-plane-us-east-1b.masters.public-dns.example.com"
    "aws-node-termination-handler/managed"                                                                  = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1b"
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
    "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
    "k8s.io/role/control-plane"                                                                             = "1"
    "k8s.io/role/master"                                                                                    = "1"
    "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1b"
    "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_control-plane-us-east-1b.masters.public-dns.example.com_user_data")
}

resource "aws_launch_template" "control-plane-us-east-1c-masters-public-dns-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 64
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.masters-public-dns-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.medium"
  lifecycle {
    create_before_destroy = true
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_protocol_ipv6          = "disabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
  monitoring {
    enabled = false
  }
  name = "control-plane-us-east-1c.masters.public-dns.example.com"
  network_interfaces {
    associate_public_ip_address = true
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.masters-public-dns-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1c.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1c"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1c"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1c.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1c"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1c"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                                                     = "public-dns.example.com"
      "Name"                                                                                                  = "control-plane-us-east-1c.masters.public-dns.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1c"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1c"
      "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                                                     = "public-dns.example.com"
    "Name"                                                                                                  = "control-plane-us-east-1c.masters.public-dns.example.com"
    "aws-node-termination-handler/managed"                                                                  = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-us-east-1c"
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
    "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
    "k8s.io/role/control-plane"                                                                             = "1"
    "k8s.io/role/master"                                                                                    = "1"
    "kops.k8s.io/instancegroup"                                                                             = "control-plane-us-east-1c"
    "kubernetes.io/cluster/public-dns.example.com"                                                          = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_control-plane-us-east-1c.masters.public-dns.example.com_user_data")
}

resource "aws_launch_template" "nodes-us-east-1a-public-dns-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 128
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.nodes-public-dns-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.medium"
  lifecycle {
    create_before_destroy = true
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_protocol_ipv6          = "disabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
  monitoring {
    enabled = false
  }
  name = "nodes-us-east-1a.public-dns.example.com"
  network_interfaces {
    associate_public_ip_address = true
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.nodes-public-dns-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1a.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1a"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1a"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1a.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1a"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1a"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1a.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1a"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1a"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                          = "public-dns.example.com"
    "Name"                                                                       = "nodes-us-east-1a.public-dns.example.com"
    "aws-node-termination-handler/managed"                                       = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1a"
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
    "k8s.io/role/node"                                                           = "1"
    "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1a"
    "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_nodes-us-east-1a.public-dns.example.com_user_data")
}

resource "aws_launch_template" "nodes-us-east-1b-public-dns-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 128
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.nodes-public-dns-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.medium"
  lifecycle {
    create_before_destroy = true
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_protocol_ipv6          = "disabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
  monitoring {
    enabled = false
  }
  name = "nodes-us-east-1b.public-dns.example.com"
  network_interfaces {
    associate_public_ip_address = true
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.nodes-public-dns-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1b.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1b"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1b"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1b.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1b"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1b"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1b.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1b"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1b"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                          = "public-dns.example.com"
    "Name"                                                                       = "nodes-us-east-1b.public-dns.example.com"
    "aws-node-termination-handler/managed"                                       = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1b"
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
    "k8s.io/role/node"                                                           = "1"
    "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1b"
    "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_nodes-us-east-1b.public-dns.example.com_user_data")
}

resource "aws_launch_template" "nodes-us-east-1c-public-dns-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 128
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.nodes-public-dns-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.medium"
  lifecycle {
    create_before_destroy = true
  }
  metadata_options {
    http_endpoint               = "enabled"
    http_protocol_ipv6          = "disabled"
    http_put_response_hop_limit = 1
    http_tokens                 = "required"
  }
  monitoring {
    enabled = false
  }
  name = "nodes-us-east-1c.public-dns.example.com"
  network_interfaces {
    associate_public_ip_address = true
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.nodes-public-dns-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1c.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1c"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1c"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1c.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1c"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1c"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                          = "public-dns.example.com"
      "Name"                                                                       = "nodes-us-east-1c.public-dns.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1c"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1c"
      "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                          = "public-dns.example.com"
    "Name"                                                                       = "nodes-us-east-1c.public-dns.example.com"
    "aws-node-termination-handler/managed"                                       = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-us-east-1c"
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
    "k8s.io/role/node"                                                           = "1"
    "kops.k8s.io/instancegroup"                                                  = "nodes-us-east-1c"
    "kubernetes.io/cluster/public-dns.example.com"                               = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_nodes-us-east-1c.public-dns.example.com_user_data")
}

resource "aws_route" "route-0-0-0-0--0" {
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.public-dns-example-com.id
  route_table_id         = aws_route_table.public-dns-example-com.id
}

resource "aws_route" "route-__--0" {
  destination_ipv6_cidr_block = "::/0"
  gateway_id                  = aws_internet_gateway.public-dns-example-com.id
  route_table_id              = aws_route_table.public-dns-example-com.id
}

resource "aws_route_table" "public-dns-example-com" {
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
    "kubernetes.io/kops/role"                      = "public"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_route_table_association" "us-east-1a-public-dns-example-com" {
  route_table_id = aws_route_table.public-dns-example-com.id
  subnet_id      = aws_subnet.us-east-1a-public-dns-example-com.id
}

resource "aws_route_table_association" "us-east-1b-public-dns-example-com" {
  route_table_id = aws_route_table.public-dns-example-com.id
  subnet_id      = aws_subnet.us-east-1b-public-dns-example-com.id
}

resource "aws_route_table_association" "us-east-1c-public-dns-example-com" {
  route_table_id = aws_route_table.public-dns-example-com.id
  subnet_id      = aws_subnet.us-east-1c-public-dns-example-com.id
}

resource "aws_s3_object" "cluster-completed-spec" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_cluster-completed.spec_content")
  key                    = "public-dns.example.com/cluster-completed.spec"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "etcd-cluster-spec-events" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_etcd-cluster-spec-events_content")
  key                    = "public-dns.example.com/backups/etcd/events/control/etcd-cluster-spec"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "etcd-cluster-spec-main" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_etcd-cluster-spec-main_content")
  key                    = "public-dns.example.com/backups/etcd/main/control/etcd-cluster-spec"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "kops-version-txt" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_kops-version.txt_content")
  key                    = "public-dns.example.com/kops-version.txt"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-channels-kops-channels" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-channels-kops-channels_content")
  key                    = "public-dns.example.com/manifests/channels/kops-channels.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-events-control-plane-us-east-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-events-control-plane-us-east-1a_content")
  key                    = "public-dns.example.com/manifests/etcd/events-control-plane-us-east-1a.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-events-control-plane-us-east-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-events-control-plane-us-east-1b_content")
  key                    = "public-dns.example.com/manifests/etcd/events-control-plane-us-east-1b.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-events-control-plane-us-east-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-events-control-plane-us-east-1c_content")
  key                    = "public-dns.example.com/manifests/etcd/events-control-plane-us-east-1c.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-main-control-plane-us-east-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-main-control-plane-us-east-1a_content")
  key                    = "public-dns.example.com/manifests/etcd/main-control-plane-us-east-1a.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-main-control-plane-us-east-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-main-control-plane-us-east-1b_content")
  key                    = "public-dns.example.com/manifests/etcd/main-control-plane-us-east-1b.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-main-control-plane-us-east-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-main-control-plane-us-east-1c_content")
  key                    = "public-dns.example.com/manifests/etcd/main-control-plane-us-east-1c.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-static-kube-apiserver-healthcheck" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-static-kube-apiserver-healthcheck_content")
  key                    = "public-dns.example.com/manifests/static/kube-apiserver-healthcheck.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-control-plane-us-east-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-control-plane-us-east-1a_content")
  key                    = "public-dns.example.com/igconfig/control-plane/control-plane-us-east-1a/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-control-plane-us-east-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-control-plane-us-east-1b_content")
  key                    = "public-dns.example.com/igconfig/control-plane/control-plane-us-east-1b/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-control-plane-us-east-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-control-plane-us-east-1c_content")
  key                    = "public-dns.example.com/igconfig/control-plane/control-plane-us-east-1c/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-nodes-us-east-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-nodes-us-east-1a_content")
  key                    = "public-dns.example.com/igconfig/node/nodes-us-east-1a/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-nodes-us-east-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-nodes-us-east-1b_content")
  key                    = "public-dns.example.com/igconfig/node/nodes-us-east-1b/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-nodes-us-east-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-nodes-us-east-1c_content")
  key                    = "public-dns.example.com/igconfig/node/nodes-us-east-1c/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-aws-cloud-controller-addons-k8s-io-k8s-1-18" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-aws-cloud-controller.addons.k8s.io-k8s-1.18_content")
  key                    = "public-dns.example.com/addons/aws-cloud-controller.addons.k8s.io/k8s-1.18.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-aws-ebs-csi-driver-addons-k8s-io-k8s-1-17" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-aws-ebs-csi-driver.addons.k8s.io-k8s-1.17_content")
  key                    = "public-dns.example.com/addons/aws-ebs-csi-driver.addons.k8s.io/k8s-1.17.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-bootstrap" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-bootstrap_content")
  key                    = "public-dns.example.com/addons/bootstrap-channel.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-coredns-addons-k8s-io-k8s-1-12" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-coredns.addons.k8s.io-k8s-1.12_content")
  key                    = "public-dns.example.com/addons/coredns.addons.k8s.io/k8s-1.12.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-dns-controller-addons-k8s-io-k8s-1-12" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-dns-controller.addons.k8s.io-k8s-1.12_content")
  key                    = "public-dns.example.com/addons/dns-controller.addons.k8s.io/k8s-1.12.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-kops-controller-addons-k8s-io-k8s-1-16" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-kops-controller.addons.k8s.io-k8s-1.16_content")
  key                    = "public-dns.example.com/addons/kops-controller.addons.k8s.io/k8s-1.16.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-kubelet-api-rbac-addons-k8s-io-k8s-1-9" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-kubelet-api.rbac.addons.k8s.io-k8s-1.9_content")
  key                    = "public-dns.example.com/addons/kubelet-api.rbac.addons.k8s.io/k8s-1.9.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-limit-range-addons-k8s-io" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-limit-range.addons.k8s.io_content")
  key                    = "public-dns.example.com/addons/limit-range.addons.k8s.io/v1.5.0.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-networking-cilium-io-k8s-1-16" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-networking.cilium.io-k8s-1.16_content")
  key                    = "public-dns.example.com/addons/networking.cilium.io/k8s-1.16-v1.15.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-node-termination-handler-aws-k8s-1-11" {
  bucket                 = "my-kops-state-store"
  content                = replace(file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-node-termination-handler.aws-k8s-1.11_content"), "@@kopsgen:nth-queue-url@@", aws_sqs_queue.public-dns-example-com-nth.url)
  key                    = "public-dns.example.com/addons/node-termination-handler.aws/k8s-1.11.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "public-dns-example-com-addons-storage-aws-addons-k8s-io-v1-15-0" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_public-dns.example.com-addons-storage-aws.addons.k8s.io-v1.15.0_content")
  key                    = "public-dns.example.com/addons/storage-aws.addons.k8s.io/v1.15.0.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_security_group" "masters-public-dns-example-com" {
  description = "Security group for masters"
  name        = "masters.public-dns.example.com"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "masters.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_security_group" "nodes-public-dns-example-com" {
  description = "Security group for nodes"
  name        = "nodes.public-dns.example.com"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "nodes.public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_security_group_rule" "from-0-0-0-0--0-ingress-tcp-443to443-masters-public-dns-example-com" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "Kubernetes API from 0.0.0.0/0 (kubernetesApiAccess) to the control plane"
  from_port         = 443
  protocol          = "tcp"
  security_group_id = aws_security_group.masters-public-dns-example-com.id
  to_port           = 443
  type              = "ingress"
}

resource "aws_security_group_rule" "from-__--0-ingress-tcp-443to443-masters-public-dns-example-com" {
  description       = "Kubernetes API from ::/0 (kubernetesApiAccess) to the control plane"
  from_port         = 443
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "tcp"
  security_group_id = aws_security_group.masters-public-dns-example-com.id
  to_port           = 443
  type              = "ingress"
}

resource "aws_security_group_rule" "from-masters-public-dns-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the control plane"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.masters-public-dns-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-masters-public-dns-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the control plane"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.masters-public-dns-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-masters-public-dns-example-com-ingress-all-0to0-masters-public-dns-example-com" {
  description              = "all traffic from the control plane to the control plane"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.masters-public-dns-example-com.id
  source_security_group_id = aws_security_group.masters-public-dns-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-masters-public-dns-example-com-ingress-all-0to0-nodes-public-dns-example-com" {
  description              = "all traffic from the control plane to the nodes"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.nodes-public-dns-example-com.id
  source_security_group_id = aws_security_group.masters-public-dns-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the nodes"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the nodes"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-ingress-all-0to0-nodes-public-dns-example-com" {
  description              = "all traffic from the nodes to the nodes"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.nodes-public-dns-example-com.id
  source_security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-ingress-tcp-1to2379-masters-public-dns-example-com" {
  description              = "TCP 1-2379 from the nodes to the control plane; etcd ports stay closed to nodes"
  from_port                = 1
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-public-dns-example-com.id
  source_security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port                  = 2379
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-ingress-tcp-2382to4000-masters-public-dns-example-com" {
  description              = "TCP 2382-4000 from the nodes to the control plane; etcd ports stay closed to nodes"
  from_port                = 2382
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-public-dns-example-com.id
  source_security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port                  = 4000
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-ingress-tcp-4003to65535-masters-public-dns-example-com" {
  description              = "TCP 4003-65535 from the nodes to the control plane; etcd ports stay closed to nodes"
  from_port                = 4003
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-public-dns-example-com.id
  source_security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port                  = 65535
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-public-dns-example-com-ingress-udp-1to65535-masters-public-dns-example-com" {
  description              = "all UDP from the nodes to the control plane"
  from_port                = 1
  protocol                 = "udp"
  security_group_id        = aws_security_group.masters-public-dns-example-com.id
  source_security_group_id = aws_security_group.nodes-public-dns-example-com.id
  to_port                  = 65535
  type                     = "ingress"
}

resource "aws_sqs_queue" "public-dns-example-com-nth" {
  message_retention_seconds = 300
  name                      = "public-dns-example-com-nth"
  policy                    = file("${path.module}/data/aws_sqs_queue_public-dns-example-com-nth_policy")
  sqs_managed_sse_enabled   = true
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns-example-com-nth"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_subnet" "us-east-1a-public-dns-example-com" {
  availability_zone                           = "us-east-1a"
  cidr_block                                  = "172.20.0.0/18"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "us-east-1a.public-dns.example.com"
    "SubnetType"                                   = "Public"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
    "kubernetes.io/role/elb"                       = "1"
    "kubernetes.io/role/internal-elb"              = "1"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_subnet" "us-east-1b-public-dns-example-com" {
  availability_zone                           = "us-east-1b"
  cidr_block                                  = "172.20.64.0/18"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "us-east-1b.public-dns.example.com"
    "SubnetType"                                   = "Public"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
    "kubernetes.io/role/elb"                       = "1"
    "kubernetes.io/role/internal-elb"              = "1"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_subnet" "us-east-1c-public-dns-example-com" {
  availability_zone                           = "us-east-1c"
  cidr_block                                  = "172.20.128.0/18"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "us-east-1c.public-dns.example.com"
    "SubnetType"                                   = "Public"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
    "kubernetes.io/role/elb"                       = "1"
    "kubernetes.io/role/internal-elb"              = "1"
  }
  vpc_id = aws_vpc.public-dns-example-com.id
}

resource "aws_vpc" "public-dns-example-com" {
  assign_generated_ipv6_cidr_block = true
  cidr_block                       = "172.20.0.0/16"
  enable_dns_hostnames             = true
  enable_dns_support               = true
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_vpc_dhcp_options" "public-dns-example-com" {
  domain_name         = "ec2.internal"
  domain_name_servers = ["AmazonProvidedDNS"]
  tags = {
    "KubernetesCluster"                            = "public-dns.example.com"
    "Name"                                         = "public-dns.example.com"
    "kubernetes.io/cluster/public-dns.example.com" = "owned"
  }
}

resource "aws_vpc_dhcp_options_association" "public-dns-example-com" {
  dhcp_options_id = aws_vpc_dhcp_options.public-dns-example-com.id
  vpc_id          = aws_vpc.public-dns-example-com.id
}

data "aws_ami" "prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714" {
  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20260714"]
  }
  most_recent = true
  owners      = ["099720109477"]
}

data "aws_caller_identity" "current" {
}

data "aws_route53_zone" "example-com" {
  name         = "example.com"
  private_zone = false
}

terraform {
  required_providers {
    aws = {
      "configuration_aliases" = [aws.files]
      "source"                = "hashicorp/aws"
      "version"               = ">= 5.0.0"
    }
  }
  required_version = ">= 0.15.0"
}
