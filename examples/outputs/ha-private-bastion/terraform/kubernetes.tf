locals {
  bastion_autoscaling_group_ids     = [aws_autoscaling_group.bastions-ha-example-com.id]
  bastion_security_group_ids        = [aws_security_group.bastion-ha-example-com.id]
  bastions_role_arn                 = aws_iam_role.bastions-ha-example-com.arn
  bastions_role_name                = aws_iam_role.bastions-ha-example-com.name
  cluster_name                      = "ha.example.com"
  default_security_group_id         = aws_default_security_group.default-ha-example-com.id
  master_autoscaling_group_ids      = [aws_autoscaling_group.control-plane-eu-west-1a-masters-ha-example-com.id, aws_autoscaling_group.control-plane-eu-west-1b-masters-ha-example-com.id, aws_autoscaling_group.control-plane-eu-west-1c-masters-ha-example-com.id]
  master_security_group_ids         = [aws_security_group.masters-ha-example-com.id]
  masters_role_arn                  = aws_iam_role.masters-ha-example-com.arn
  masters_role_name                 = aws_iam_role.masters-ha-example-com.name
  node_autoscaling_group_ids        = [aws_autoscaling_group.nodes-eu-west-1a-ha-example-com.id, aws_autoscaling_group.nodes-eu-west-1b-ha-example-com.id, aws_autoscaling_group.nodes-eu-west-1c-ha-example-com.id]
  node_security_group_ids           = [aws_security_group.nodes-ha-example-com.id]
  node_subnet_ids                   = [aws_subnet.eu-west-1a-ha-example-com.id, aws_subnet.eu-west-1b-ha-example-com.id, aws_subnet.eu-west-1c-ha-example-com.id]
  nodes_role_arn                    = aws_iam_role.nodes-ha-example-com.arn
  nodes_role_name                   = aws_iam_role.nodes-ha-example-com.name
  region                            = "eu-west-1"
  route_table_private-eu-west-1a_id = aws_route_table.private-eu-west-1a-ha-example-com.id
  route_table_private-eu-west-1b_id = aws_route_table.private-eu-west-1b-ha-example-com.id
  route_table_private-eu-west-1c_id = aws_route_table.private-eu-west-1c-ha-example-com.id
  route_table_public_id             = aws_route_table.ha-example-com.id
  subnet_eu-west-1a_id              = aws_subnet.eu-west-1a-ha-example-com.id
  subnet_eu-west-1b_id              = aws_subnet.eu-west-1b-ha-example-com.id
  subnet_eu-west-1c_id              = aws_subnet.eu-west-1c-ha-example-com.id
  subnet_utility-eu-west-1a_id      = aws_subnet.utility-eu-west-1a-ha-example-com.id
  subnet_utility-eu-west-1b_id      = aws_subnet.utility-eu-west-1b-ha-example-com.id
  subnet_utility-eu-west-1c_id      = aws_subnet.utility-eu-west-1c-ha-example-com.id
  vpc_cidr_block                    = aws_vpc.ha-example-com.cidr_block
  vpc_id                            = aws_vpc.ha-example-com.id
  vpc_ipv6_cidr_block               = aws_vpc.ha-example-com.ipv6_cidr_block
  vpc_ipv6_cidr_length              = local.vpc_ipv6_cidr_block == "" ? null : tonumber(regex(".*/(\\d+)", local.vpc_ipv6_cidr_block)[0])
}

output "bastion_autoscaling_group_ids" {
  value = [aws_autoscaling_group.bastions-ha-example-com.id]
}

output "bastion_security_group_ids" {
  value = [aws_security_group.bastion-ha-example-com.id]
}

output "bastions_role_arn" {
  value = aws_iam_role.bastions-ha-example-com.arn
}

output "bastions_role_name" {
  value = aws_iam_role.bastions-ha-example-com.name
}

output "cluster_name" {
  value = "ha.example.com"
}

output "default_security_group_id" {
  value = aws_default_security_group.default-ha-example-com.id
}

output "master_autoscaling_group_ids" {
  value = [aws_autoscaling_group.control-plane-eu-west-1a-masters-ha-example-com.id, aws_autoscaling_group.control-plane-eu-west-1b-masters-ha-example-com.id, aws_autoscaling_group.control-plane-eu-west-1c-masters-ha-example-com.id]
}

output "master_security_group_ids" {
  value = [aws_security_group.masters-ha-example-com.id]
}

output "masters_role_arn" {
  value = aws_iam_role.masters-ha-example-com.arn
}

output "masters_role_name" {
  value = aws_iam_role.masters-ha-example-com.name
}

output "node_autoscaling_group_ids" {
  value = [aws_autoscaling_group.nodes-eu-west-1a-ha-example-com.id, aws_autoscaling_group.nodes-eu-west-1b-ha-example-com.id, aws_autoscaling_group.nodes-eu-west-1c-ha-example-com.id]
}

output "node_security_group_ids" {
  value = [aws_security_group.nodes-ha-example-com.id]
}

output "node_subnet_ids" {
  value = [aws_subnet.eu-west-1a-ha-example-com.id, aws_subnet.eu-west-1b-ha-example-com.id, aws_subnet.eu-west-1c-ha-example-com.id]
}

output "nodes_role_arn" {
  value = aws_iam_role.nodes-ha-example-com.arn
}

output "nodes_role_name" {
  value = aws_iam_role.nodes-ha-example-com.name
}

output "region" {
  value = "eu-west-1"
}

output "route_table_private-eu-west-1a_id" {
  value = aws_route_table.private-eu-west-1a-ha-example-com.id
}

output "route_table_private-eu-west-1b_id" {
  value = aws_route_table.private-eu-west-1b-ha-example-com.id
}

output "route_table_private-eu-west-1c_id" {
  value = aws_route_table.private-eu-west-1c-ha-example-com.id
}

output "route_table_public_id" {
  value = aws_route_table.ha-example-com.id
}

output "subnet_eu-west-1a_id" {
  value = aws_subnet.eu-west-1a-ha-example-com.id
}

output "subnet_eu-west-1b_id" {
  value = aws_subnet.eu-west-1b-ha-example-com.id
}

output "subnet_eu-west-1c_id" {
  value = aws_subnet.eu-west-1c-ha-example-com.id
}

output "subnet_utility-eu-west-1a_id" {
  value = aws_subnet.utility-eu-west-1a-ha-example-com.id
}

output "subnet_utility-eu-west-1b_id" {
  value = aws_subnet.utility-eu-west-1b-ha-example-com.id
}

output "subnet_utility-eu-west-1c_id" {
  value = aws_subnet.utility-eu-west-1c-ha-example-com.id
}

output "vpc_cidr_block" {
  value = aws_vpc.ha-example-com.cidr_block
}

output "vpc_id" {
  value = aws_vpc.ha-example-com.id
}

output "vpc_ipv6_cidr_block" {
  value = aws_vpc.ha-example-com.ipv6_cidr_block
}

output "vpc_ipv6_cidr_length" {
  value = local.vpc_ipv6_cidr_block == "" ? null : tonumber(regex(".*/(\\d+)", local.vpc_ipv6_cidr_block)[0])
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "files"
  region = "eu-west-1"
}

resource "aws_autoscaling_group" "bastions-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.bastions-ha-example-com.id
    version = aws_launch_template.bastions-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "bastions.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "bastions.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "bastions"
  }
  tag {
    key                 = "k8s.io/role/bastion"
    propagate_at_launch = true
    value               = "1"
  }
  tag {
    key                 = "kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "bastions"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  target_group_arns   = [aws_lb_target_group.bastion-ha-example-com-p8nhkn.id]
  vpc_zone_identifier = [aws_subnet.eu-west-1a-ha-example-com.id, aws_subnet.eu-west-1b-ha-example-com.id, aws_subnet.eu-west-1c-ha-example-com.id]
}

resource "aws_autoscaling_group" "control-plane-eu-west-1a-masters-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.control-plane-eu-west-1a-masters-ha-example-com.id
    version = aws_launch_template.control-plane-eu-west-1a-masters-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "control-plane-eu-west-1a.masters.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "control-plane-eu-west-1a.masters.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-eu-west-1a"
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
    value               = "control-plane-eu-west-1a"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  target_group_arns   = [aws_lb_target_group.kops-controller-ha-exampl-op5c7t.id, aws_lb_target_group.tcp-ha-example-com-isubkm.id]
  vpc_zone_identifier = [aws_subnet.eu-west-1a-ha-example-com.id]
}

resource "aws_autoscaling_group" "control-plane-eu-west-1b-masters-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.control-plane-eu-west-1b-masters-ha-example-com.id
    version = aws_launch_template.control-plane-eu-west-1b-masters-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "control-plane-eu-west-1b.masters.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "control-plane-eu-west-1b.masters.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-eu-west-1b"
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
    value               = "control-plane-eu-west-1b"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  target_group_arns   = [aws_lb_target_group.kops-controller-ha-exampl-op5c7t.id, aws_lb_target_group.tcp-ha-example-com-isubkm.id]
  vpc_zone_identifier = [aws_subnet.eu-west-1b-ha-example-com.id]
}

resource "aws_autoscaling_group" "control-plane-eu-west-1c-masters-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.control-plane-eu-west-1c-masters-ha-example-com.id
    version = aws_launch_template.control-plane-eu-west-1c-masters-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "control-plane-eu-west-1c.masters.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "control-plane-eu-west-1c.masters.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "control-plane-eu-west-1c"
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
    value               = "control-plane-eu-west-1c"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  target_group_arns   = [aws_lb_target_group.kops-controller-ha-exampl-op5c7t.id, aws_lb_target_group.tcp-ha-example-com-isubkm.id]
  vpc_zone_identifier = [aws_subnet.eu-west-1c-ha-example-com.id]
}

resource "aws_autoscaling_group" "nodes-eu-west-1a-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.nodes-eu-west-1a-ha-example-com.id
    version = aws_launch_template.nodes-eu-west-1a-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "nodes-eu-west-1a.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "nodes-eu-west-1a.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-eu-west-1a"
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
    value               = "nodes-eu-west-1a"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.eu-west-1a-ha-example-com.id]
}

resource "aws_autoscaling_group" "nodes-eu-west-1b-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.nodes-eu-west-1b-ha-example-com.id
    version = aws_launch_template.nodes-eu-west-1b-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "nodes-eu-west-1b.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "nodes-eu-west-1b.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-eu-west-1b"
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
    value               = "nodes-eu-west-1b"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.eu-west-1b-ha-example-com.id]
}

resource "aws_autoscaling_group" "nodes-eu-west-1c-ha-example-com" {
  enabled_metrics = ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMaxSize", "GroupMinSize", "GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances"]
  launch_template {
    id      = aws_launch_template.nodes-eu-west-1c-ha-example-com.id
    version = aws_launch_template.nodes-eu-west-1c-ha-example-com.latest_version
  }
  max_instance_lifetime = 0
  max_size              = 1
  metrics_granularity   = "1Minute"
  min_size              = 1
  name                  = "nodes-eu-west-1c.ha.example.com"
  protect_from_scale_in = false
  tag {
    key                 = "KubernetesCluster"
    propagate_at_launch = true
    value               = "ha.example.com"
  }
  tag {
    key                 = "Name"
    propagate_at_launch = true
    value               = "nodes-eu-west-1c.ha.example.com"
  }
  tag {
    key                 = "aws-node-termination-handler/managed"
    propagate_at_launch = true
    value               = ""
  }
  tag {
    key                 = "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"
    propagate_at_launch = true
    value               = "nodes-eu-west-1c"
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
    value               = "nodes-eu-west-1c"
  }
  tag {
    key                 = "kubernetes.io/cluster/ha.example.com"
    propagate_at_launch = true
    value               = "owned"
  }
  vpc_zone_identifier = [aws_subnet.eu-west-1c-ha-example-com.id]
}

resource "aws_autoscaling_lifecycle_hook" "bastions-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.bastions-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "bastions-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "control-plane-eu-west-1a-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.control-plane-eu-west-1a-masters-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "control-plane-eu-west-1a-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "control-plane-eu-west-1b-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.control-plane-eu-west-1b-masters-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "control-plane-eu-west-1b-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "control-plane-eu-west-1c-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.control-plane-eu-west-1c-masters-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "control-plane-eu-west-1c-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "nodes-eu-west-1a-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.nodes-eu-west-1a-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "nodes-eu-west-1a-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "nodes-eu-west-1b-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.nodes-eu-west-1b-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "nodes-eu-west-1b-NTHLifecycleHook"
}

resource "aws_autoscaling_lifecycle_hook" "nodes-eu-west-1c-NTHLifecycleHook" {
  autoscaling_group_name = aws_autoscaling_group.nodes-eu-west-1c-ha-example-com.id
  default_result         = "CONTINUE"
  heartbeat_timeout      = 300
  lifecycle_transition   = "autoscaling:EC2_INSTANCE_TERMINATING"
  name                   = "nodes-eu-west-1c-NTHLifecycleHook"
}

resource "aws_cloudwatch_event_rule" "ha-example-com-ASGLifecycle" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_ha.example.com-ASGLifecycle_event_pattern")
  name          = "ha.example.com-ASGLifecycle"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com-ASGLifecycle"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_rule" "ha-example-com-InstanceScheduledChange" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_ha.example.com-InstanceScheduledChange_event_pattern")
  name          = "ha.example.com-InstanceScheduledChange"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com-InstanceScheduledChange"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_rule" "ha-example-com-InstanceStateChange" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_ha.example.com-InstanceStateChange_event_pattern")
  name          = "ha.example.com-InstanceStateChange"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com-InstanceStateChange"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_rule" "ha-example-com-SpotInterruption" {
  event_pattern = file("${path.module}/data/aws_cloudwatch_event_rule_ha.example.com-SpotInterruption_event_pattern")
  name          = "ha.example.com-SpotInterruption"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com-SpotInterruption"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_cloudwatch_event_target" "ha-example-com-ASGLifecycle-Target" {
  arn  = aws_sqs_queue.ha-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.ha-example-com-ASGLifecycle.id
}

resource "aws_cloudwatch_event_target" "ha-example-com-InstanceScheduledChange-Target" {
  arn  = aws_sqs_queue.ha-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.ha-example-com-InstanceScheduledChange.id
}

resource "aws_cloudwatch_event_target" "ha-example-com-InstanceStateChange-Target" {
  arn  = aws_sqs_queue.ha-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.ha-example-com-InstanceStateChange.id
}

resource "aws_cloudwatch_event_target" "ha-example-com-SpotInterruption-Target" {
  arn  = aws_sqs_queue.ha-example-com-nth.arn
  rule = aws_cloudwatch_event_rule.ha-example-com-SpotInterruption.id
}

resource "aws_cloudwatch_log_group" "cluster-logs-ha-example-com" {
  kms_key_id        = aws_kms_key.cluster-logs-ha-example-com.arn
  name              = "cluster-logs.ha.example.com"
  retention_in_days = 365
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "cluster-logs.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_cloudwatch_log_group" "flow-logs-ha-example-com" {
  kms_key_id        = aws_kms_key.flow-logs-ha-example-com.arn
  name              = "flow-logs.ha.example.com"
  retention_in_days = 365
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "flow-logs.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_default_security_group" "default-ha-example-com" {
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "default.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_ebs_volume" "a-etcd-events-ha-example-com" {
  availability_zone = "eu-west-1a"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "a.etcd-events.ha.example.com"
    "k8s.io/etcd/events"                   = "a/a,b,c"
    "k8s.io/role/control-plane"            = "1"
    "k8s.io/role/master"                   = "1"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "a-etcd-main-ha-example-com" {
  availability_zone = "eu-west-1a"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "a.etcd-main.ha.example.com"
    "k8s.io/etcd/main"                     = "a/a,b,c"
    "k8s.io/role/control-plane"            = "1"
    "k8s.io/role/master"                   = "1"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "b-etcd-events-ha-example-com" {
  availability_zone = "eu-west-1b"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "b.etcd-events.ha.example.com"
    "k8s.io/etcd/events"                   = "b/a,b,c"
    "k8s.io/role/control-plane"            = "1"
    "k8s.io/role/master"                   = "1"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "b-etcd-main-ha-example-com" {
  availability_zone = "eu-west-1b"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "b.etcd-main.ha.example.com"
    "k8s.io/etcd/main"                     = "b/a,b,c"
    "k8s.io/role/control-plane"            = "1"
    "k8s.io/role/master"                   = "1"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "c-etcd-events-ha-example-com" {
  availability_zone = "eu-west-1c"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "c.etcd-events.ha.example.com"
    "k8s.io/etcd/events"                   = "c/a,b,c"
    "k8s.io/role/control-plane"            = "1"
    "k8s.io/role/master"                   = "1"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_ebs_volume" "c-etcd-main-ha-example-com" {
  availability_zone = "eu-west-1c"
  encrypted         = true
  iops              = 3000
  size              = 20
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "c.etcd-main.ha.example.com"
    "k8s.io/etcd/main"                     = "c/a,b,c"
    "k8s.io/role/control-plane"            = "1"
    "k8s.io/role/master"                   = "1"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  throughput = 125
  type       = "gp3"
}

resource "aws_eip" "eu-west-1a-ha-example-com" {
  depends_on = [aws_internet_gateway.ha-example-com]
  domain     = "vpc"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1a.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_eip" "eu-west-1b-ha-example-com" {
  depends_on = [aws_internet_gateway.ha-example-com]
  domain     = "vpc"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1b.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_eip" "eu-west-1c-ha-example-com" {
  depends_on = [aws_internet_gateway.ha-example-com]
  domain     = "vpc"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1c.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_flow_log" "flow-logs-ha-example-com" {
  iam_role_arn             = aws_iam_role.flow-logs-ha-example-com.arn
  log_destination          = aws_cloudwatch_log_group.flow-logs-ha-example-com.arn
  log_destination_type     = "cloud-watch-logs"
  max_aggregation_interval = 600
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "flow-logs.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  traffic_type = "ALL"
  vpc_id       = aws_vpc.ha-example-com.id
}

resource "aws_iam_instance_profile" "bastions-ha-example-com" {
  name = "bastions.ha.example.com"
  role = aws_iam_role.bastions-ha-example-com.name
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "bastions.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_instance_profile" "masters-ha-example-com" {
  name = "masters.ha.example.com"
  role = aws_iam_role.masters-ha-example-com.name
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "masters.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_instance_profile" "nodes-ha-example-com" {
  name = "nodes.ha.example.com"
  role = aws_iam_role.nodes-ha-example-com.name
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "nodes.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_role" "bastions-ha-example-com" {
  assume_role_policy = file("${path.module}/data/aws_iam_role_bastions.ha.example.com_policy")
  name               = "bastions.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "bastions.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_role" "flow-logs-ha-example-com" {
  assume_role_policy = templatefile("${path.module}/data/aws_iam_role_flow-logs.ha.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  name               = "flow-logs.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "flow-logs.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_role" "masters-ha-example-com" {
  assume_role_policy = file("${path.module}/data/aws_iam_role_masters.ha.example.com_policy")
  name               = "masters.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "masters.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_role" "nodes-ha-example-com" {
  assume_role_policy = file("${path.module}/data/aws_iam_role_nodes.ha.example.com_policy")
  name               = "nodes.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "nodes.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_iam_role_policy" "cluster-logs-masters-ha-example-com" {
  name   = "cluster-logs.masters.ha.example.com"
  policy = templatefile("${path.module}/data/aws_iam_role_policy_cluster-logs.masters.ha.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  role   = aws_iam_role.masters-ha-example-com.name
}

resource "aws_iam_role_policy" "cluster-logs-nodes-ha-example-com" {
  name   = "cluster-logs.nodes.ha.example.com"
  policy = templatefile("${path.module}/data/aws_iam_role_policy_cluster-logs.nodes.ha.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  role   = aws_iam_role.nodes-ha-example-com.name
}

resource "aws_iam_role_policy" "flow-logs-ha-example-com" {
  name   = "flow-logs.ha.example.com"
  policy = templatefile("${path.module}/data/aws_iam_role_policy_flow-logs.ha.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  role   = aws_iam_role.flow-logs-ha-example-com.name
}

resource "aws_iam_role_policy" "masters-ha-example-com" {
  name   = "masters.ha.example.com"
  policy = file("${path.module}/data/aws_iam_role_policy_masters.ha.example.com_policy")
  role   = aws_iam_role.masters-ha-example-com.name
}

resource "aws_iam_role_policy" "nodes-ha-example-com" {
  name   = "nodes.ha.example.com"
  policy = file("${path.module}/data/aws_iam_role_policy_nodes.ha.example.com_policy")
  role   = aws_iam_role.nodes-ha-example-com.name
}

resource "aws_internet_gateway" "ha-example-com" {
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_kms_key" "cluster-logs-ha-example-com" {
  deletion_window_in_days = 30
  description             = "Encrypts the container and node logs of the cluster ha.example.com"
  enable_key_rotation     = true
  policy                  = templatefile("${path.module}/data/aws_kms_key_cluster-logs.ha.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "cluster-logs.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_kms_key" "flow-logs-ha-example-com" {
  deletion_window_in_days = 30
  description             = "Encrypts the VPC flow logs of the cluster ha.example.com"
  enable_key_rotation     = true
  policy                  = templatefile("${path.module}/data/aws_kms_key_flow-logs.ha.example.com_policy", { account_id = data.aws_caller_identity.current.account_id })
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "flow-logs.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_launch_template" "bastions-ha-example-com" {
  block_device_mappings {
    device_name = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.root_device_name
    ebs {
      delete_on_termination = true
      encrypted             = true
      iops                  = 3000
      throughput            = 125
      volume_size           = 32
      volume_type           = "gp3"
    }
  }
  iam_instance_profile {
    name = aws_iam_instance_profile.bastions-ha-example-com.id
  }
  image_id      = data.aws_ami.prefix_099720109477-ubuntu-images-hvm-ssd-gp3-ubuntu-noble-24-04-amd64-server-20260714.id
  instance_type = "t3.micro"
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
  name = "bastions.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.bastion-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                       = "ha.example.com"
      "Name"                                                                    = "bastions.ha.example.com"
      "aws-node-termination-handler/managed"                                    = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup" = "bastions"
      "k8s.io/role/bastion"                                                     = "1"
      "kops.k8s.io/instancegroup"                                               = "bastions"
      "kubernetes.io/cluster/ha.example.com"                                    = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                       = "ha.example.com"
      "Name"                                                                    = "bastions.ha.example.com"
      "aws-node-termination-handler/managed"                                    = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup" = "bastions"
      "k8s.io/role/bastion"                                                     = "1"
      "kops.k8s.io/instancegroup"                                               = "bastions"
      "kubernetes.io/cluster/ha.example.com"                                    = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                       = "ha.example.com"
      "Name"                                                                    = "bastions.ha.example.com"
      "aws-node-termination-handler/managed"                                    = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup" = "bastions"
      "k8s.io/role/bastion"                                                     = "1"
      "kops.k8s.io/instancegroup"                                               = "bastions"
      "kubernetes.io/cluster/ha.example.com"                                    = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                       = "ha.example.com"
    "Name"                                                                    = "bastions.ha.example.com"
    "aws-node-termination-handler/managed"                                    = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup" = "bastions"
    "k8s.io/role/bastion"                                                     = "1"
    "kops.k8s.io/instancegroup"                                               = "bastions"
    "kubernetes.io/cluster/ha.example.com"                                    = "owned"
  }
}

resource "aws_launch_template" "control-plane-eu-west-1a-masters-ha-example-com" {
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
    name = aws_iam_instance_profile.masters-ha-example-com.id
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
  name = "control-plane-eu-west-1a.masters.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.masters-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1a.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1a"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1a"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1a.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1a"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1a"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1a.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1a"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1a"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                                                     = "ha.example.com"
    "Name"                                                                                                  = "control-plane-eu-west-1a.masters.ha.example.com"
    "aws-node-termination-handler/managed"                                                                  = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1a"
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
    "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
    "k8s.io/role/control-plane"                                                                             = "1"
    "k8s.io/role/master"                                                                                    = "1"
    "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1a"
    "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_control-plane-eu-west-1a.masters.ha.example.com_user_data")
}

resource "aws_launch_template" "control-plane-eu-west-1b-masters-ha-example-com" {
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
    name = aws_iam_instance_profile.masters-ha-example-com.id
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
  name = "control-plane-eu-west-1b.masters.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.masters-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1b.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1b"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1b"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1b.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1b"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1b"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1b.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1b"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1b"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                                                     = "ha.example.com"
    "Name"                                                                                                  = "control-plane-eu-west-1b.masters.ha.example.com"
    "aws-node-termination-handler/managed"                                                                  = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1b"
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
    "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
    "k8s.io/role/control-plane"                                                                             = "1"
    "k8s.io/role/master"                                                                                    = "1"
    "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1b"
    "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_control-plane-eu-west-1b.masters.ha.example.com_user_data")
}

resource "aws_launch_template" "control-plane-eu-west-1c-masters-ha-example-com" {
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
    name = aws_iam_instance_profile.masters-ha-example-com.id
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
  name = "control-plane-eu-west-1c.masters.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.masters-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1c.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1c"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1c"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1c.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1c"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1c"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                                                     = "ha.example.com"
      "Name"                                                                                                  = "control-plane-eu-west-1c.masters.ha.example.com"
      "aws-node-termination-handler/managed"                                                                  = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1c"
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
      "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
      "k8s.io/role/control-plane"                                                                             = "1"
      "k8s.io/role/master"                                                                                    = "1"
      "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1c"
      "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                                                     = "ha.example.com"
    "Name"                                                                                                  = "control-plane-eu-west-1c.masters.ha.example.com"
    "aws-node-termination-handler/managed"                                                                  = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"                               = "control-plane-eu-west-1c"
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/kops-controller-pki"                         = ""
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/control-plane"                   = ""
    "k8s.io/cluster-autoscaler/node-template/label/node.kubernetes.io/exclude-from-external-load-balancers" = ""
    "k8s.io/role/control-plane"                                                                             = "1"
    "k8s.io/role/master"                                                                                    = "1"
    "kops.k8s.io/instancegroup"                                                                             = "control-plane-eu-west-1c"
    "kubernetes.io/cluster/ha.example.com"                                                                  = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_control-plane-eu-west-1c.masters.ha.example.com_user_data")
}

resource "aws_launch_template" "nodes-eu-west-1a-ha-example-com" {
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
    name = aws_iam_instance_profile.nodes-ha-example-com.id
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
  name = "nodes-eu-west-1a.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.nodes-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1a.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1a"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1a"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1a.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1a"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1a"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1a.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1a"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1a"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                          = "ha.example.com"
    "Name"                                                                       = "nodes-eu-west-1a.ha.example.com"
    "aws-node-termination-handler/managed"                                       = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1a"
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
    "k8s.io/role/node"                                                           = "1"
    "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1a"
    "kubernetes.io/cluster/ha.example.com"                                       = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_nodes-eu-west-1a.ha.example.com_user_data")
}

resource "aws_launch_template" "nodes-eu-west-1b-ha-example-com" {
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
    name = aws_iam_instance_profile.nodes-ha-example-com.id
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
  name = "nodes-eu-west-1b.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.nodes-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1b.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1b"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1b"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1b.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1b"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1b"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1b.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1b"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1b"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                          = "ha.example.com"
    "Name"                                                                       = "nodes-eu-west-1b.ha.example.com"
    "aws-node-termination-handler/managed"                                       = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1b"
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
    "k8s.io/role/node"                                                           = "1"
    "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1b"
    "kubernetes.io/cluster/ha.example.com"                                       = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_nodes-eu-west-1b.ha.example.com_user_data")
}

resource "aws_launch_template" "nodes-eu-west-1c-ha-example-com" {
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
    name = aws_iam_instance_profile.nodes-ha-example-com.id
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
  name = "nodes-eu-west-1c.ha.example.com"
  network_interfaces {
    associate_public_ip_address = false
    delete_on_termination       = true
    ipv6_address_count          = 0
    security_groups             = [aws_security_group.nodes-ha-example-com.id]
  }
  tag_specifications {
    resource_type = "instance"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1c.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1c"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1c"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tag_specifications {
    resource_type = "volume"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1c.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1c"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1c"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tag_specifications {
    resource_type = "network-interface"
    tags = {
      "KubernetesCluster"                                                          = "ha.example.com"
      "Name"                                                                       = "nodes-eu-west-1c.ha.example.com"
      "aws-node-termination-handler/managed"                                       = ""
      "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1c"
      "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
      "k8s.io/role/node"                                                           = "1"
      "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1c"
      "kubernetes.io/cluster/ha.example.com"                                       = "owned"
    }
  }
  tags = {
    "KubernetesCluster"                                                          = "ha.example.com"
    "Name"                                                                       = "nodes-eu-west-1c.ha.example.com"
    "aws-node-termination-handler/managed"                                       = ""
    "k8s.io/cluster-autoscaler/node-template/label/kops.k8s.io/instancegroup"    = "nodes-eu-west-1c"
    "k8s.io/cluster-autoscaler/node-template/label/node-role.kubernetes.io/node" = ""
    "k8s.io/role/node"                                                           = "1"
    "kops.k8s.io/instancegroup"                                                  = "nodes-eu-west-1c"
    "kubernetes.io/cluster/ha.example.com"                                       = "owned"
  }
  user_data = filebase64("${path.module}/data/aws_launch_template_nodes-eu-west-1c.ha.example.com_user_data")
}

resource "aws_lb" "api-ha-example-com" {
  depends_on                       = [aws_internet_gateway.ha-example-com]
  enable_cross_zone_load_balancing = true
  internal                         = false
  load_balancer_type               = "network"
  name                             = "api-ha-example-com-9e692d"
  security_groups                  = [aws_security_group.api-elb-ha-example-com.id]
  subnet_mapping {
    subnet_id = aws_subnet.utility-eu-west-1a-ha-example-com.id
  }
  subnet_mapping {
    subnet_id = aws_subnet.utility-eu-west-1b-ha-example-com.id
  }
  subnet_mapping {
    subnet_id = aws_subnet.utility-eu-west-1c-ha-example-com.id
  }
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "api.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_lb" "bastion-ha-example-com" {
  depends_on                       = [aws_internet_gateway.ha-example-com]
  enable_cross_zone_load_balancing = true
  internal                         = false
  load_balancer_type               = "network"
  name                             = "bastion-ha-example-com-p8nhkn"
  security_groups                  = [aws_security_group.bastion-elb-ha-example-com.id]
  subnet_mapping {
    subnet_id = aws_subnet.utility-eu-west-1a-ha-example-com.id
  }
  subnet_mapping {
    subnet_id = aws_subnet.utility-eu-west-1b-ha-example-com.id
  }
  subnet_mapping {
    subnet_id = aws_subnet.utility-eu-west-1c-ha-example-com.id
  }
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "bastion.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_lb_listener" "api-ha-example-com-3988" {
  default_action {
    target_group_arn = aws_lb_target_group.kops-controller-ha-exampl-op5c7t.id
    type             = "forward"
  }
  load_balancer_arn = aws_lb.api-ha-example-com.id
  port              = 3988
  protocol          = "TCP"
}

resource "aws_lb_listener" "api-ha-example-com-443" {
  default_action {
    target_group_arn = aws_lb_target_group.tcp-ha-example-com-isubkm.id
    type             = "forward"
  }
  load_balancer_arn = aws_lb.api-ha-example-com.id
  port              = 443
  protocol          = "TCP"
}

resource "aws_lb_listener" "bastion-ha-example-com-22" {
  default_action {
    target_group_arn = aws_lb_target_group.bastion-ha-example-com-p8nhkn.id
    type             = "forward"
  }
  load_balancer_arn = aws_lb.bastion-ha-example-com.id
  port              = 22
  protocol          = "TCP"
}

resource "aws_lb_target_group" "bastion-ha-example-com-p8nhkn" {
  connection_termination = true
  deregistration_delay   = "30"
  health_check {
    healthy_threshold   = 2
    interval            = 10
    protocol            = "TCP"
    unhealthy_threshold = 2
  }
  name     = "bastion-ha-example-com-p8nhkn"
  port     = 22
  protocol = "TCP"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "bastion-ha-example-com-p8nhkn"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_lb_target_group" "kops-controller-ha-exampl-op5c7t" {
  connection_termination = true
  deregistration_delay   = "30"
  health_check {
    healthy_threshold   = 2
    interval            = 10
    path                = "/healthz"
    protocol            = "HTTPS"
    unhealthy_threshold = 2
  }
  name     = "kops-controller-ha-exampl-op5c7t"
  port     = 3988
  protocol = "TCP"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "kops-controller-ha-exampl-op5c7t"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_lb_target_group" "tcp-ha-example-com-isubkm" {
  connection_termination = true
  deregistration_delay   = "30"
  health_check {
    healthy_threshold   = 2
    interval            = 10
    protocol            = "TCP"
    unhealthy_threshold = 2
  }
  name     = "tcp-ha-example-com-isubkm"
  port     = 443
  protocol = "TCP"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "tcp-ha-example-com-isubkm"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_nat_gateway" "eu-west-1a-ha-example-com" {
  allocation_id = aws_eip.eu-west-1a-ha-example-com.id
  depends_on    = [aws_internet_gateway.ha-example-com]
  subnet_id     = aws_subnet.utility-eu-west-1a-ha-example-com.id
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1a.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_nat_gateway" "eu-west-1b-ha-example-com" {
  allocation_id = aws_eip.eu-west-1b-ha-example-com.id
  depends_on    = [aws_internet_gateway.ha-example-com]
  subnet_id     = aws_subnet.utility-eu-west-1b-ha-example-com.id
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1b.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_nat_gateway" "eu-west-1c-ha-example-com" {
  allocation_id = aws_eip.eu-west-1c-ha-example-com.id
  depends_on    = [aws_internet_gateway.ha-example-com]
  subnet_id     = aws_subnet.utility-eu-west-1c-ha-example-com.id
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1c.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_route" "route-0-0-0-0--0" {
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.ha-example-com.id
  route_table_id         = aws_route_table.ha-example-com.id
}

resource "aws_route" "route-__--0" {
  destination_ipv6_cidr_block = "::/0"
  gateway_id                  = aws_internet_gateway.ha-example-com.id
  route_table_id              = aws_route_table.ha-example-com.id
}

resource "aws_route" "route-private-eu-west-1a-0-0-0-0--0" {
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.eu-west-1a-ha-example-com.id
  route_table_id         = aws_route_table.private-eu-west-1a-ha-example-com.id
}

resource "aws_route" "route-private-eu-west-1b-0-0-0-0--0" {
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.eu-west-1b-ha-example-com.id
  route_table_id         = aws_route_table.private-eu-west-1b-ha-example-com.id
}

resource "aws_route" "route-private-eu-west-1c-0-0-0-0--0" {
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.eu-west-1c-ha-example-com.id
  route_table_id         = aws_route_table.private-eu-west-1c-ha-example-com.id
}

resource "aws_route_table" "ha-example-com" {
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/kops/role"              = "public"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_route_table" "private-eu-west-1a-ha-example-com" {
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "private-eu-west-1a.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/kops/role"              = "private-eu-west-1a"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_route_table" "private-eu-west-1b-ha-example-com" {
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "private-eu-west-1b.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/kops/role"              = "private-eu-west-1b"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_route_table" "private-eu-west-1c-ha-example-com" {
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "private-eu-west-1c.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/kops/role"              = "private-eu-west-1c"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_route_table_association" "private-eu-west-1a-ha-example-com" {
  route_table_id = aws_route_table.private-eu-west-1a-ha-example-com.id
  subnet_id      = aws_subnet.eu-west-1a-ha-example-com.id
}

resource "aws_route_table_association" "private-eu-west-1b-ha-example-com" {
  route_table_id = aws_route_table.private-eu-west-1b-ha-example-com.id
  subnet_id      = aws_subnet.eu-west-1b-ha-example-com.id
}

resource "aws_route_table_association" "private-eu-west-1c-ha-example-com" {
  route_table_id = aws_route_table.private-eu-west-1c-ha-example-com.id
  subnet_id      = aws_subnet.eu-west-1c-ha-example-com.id
}

resource "aws_route_table_association" "utility-eu-west-1a-ha-example-com" {
  route_table_id = aws_route_table.ha-example-com.id
  subnet_id      = aws_subnet.utility-eu-west-1a-ha-example-com.id
}

resource "aws_route_table_association" "utility-eu-west-1b-ha-example-com" {
  route_table_id = aws_route_table.ha-example-com.id
  subnet_id      = aws_subnet.utility-eu-west-1b-ha-example-com.id
}

resource "aws_route_table_association" "utility-eu-west-1c-ha-example-com" {
  route_table_id = aws_route_table.ha-example-com.id
  subnet_id      = aws_subnet.utility-eu-west-1c-ha-example-com.id
}

resource "aws_s3_object" "cluster-completed-spec" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_cluster-completed.spec_content")
  key                    = "ha.example.com/cluster-completed.spec"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "etcd-cluster-spec-events" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_etcd-cluster-spec-events_content")
  key                    = "ha.example.com/backups/etcd/events/control/etcd-cluster-spec"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "etcd-cluster-spec-main" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_etcd-cluster-spec-main_content")
  key                    = "ha.example.com/backups/etcd/main/control/etcd-cluster-spec"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-aws-cloud-controller-addons-k8s-io-k8s-1-18" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-aws-cloud-controller.addons.k8s.io-k8s-1.18_content")
  key                    = "ha.example.com/addons/aws-cloud-controller.addons.k8s.io/k8s-1.18.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-aws-ebs-csi-driver-addons-k8s-io-k8s-1-17" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-aws-ebs-csi-driver.addons.k8s.io-k8s-1.17_content")
  key                    = "ha.example.com/addons/aws-ebs-csi-driver.addons.k8s.io/k8s-1.17.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-aws-load-balancer-controller-addons-k8s-io-k8s-1-19" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-aws-load-balancer-controller.addons.k8s.io-k8s-1.19_content")
  key                    = "ha.example.com/addons/aws-load-balancer-controller.addons.k8s.io/k8s-1.19.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-bootstrap" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-bootstrap_content")
  key                    = "ha.example.com/addons/bootstrap-channel.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-certmanager-io-k8s-1-16" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-certmanager.io-k8s-1.16_content")
  key                    = "ha.example.com/addons/certmanager.io/k8s-1.16.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-coredns-addons-k8s-io-k8s-1-12" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-coredns.addons.k8s.io-k8s-1.12_content")
  key                    = "ha.example.com/addons/coredns.addons.k8s.io/k8s-1.12.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-dns-controller-addons-k8s-io-k8s-1-12" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-dns-controller.addons.k8s.io-k8s-1.12_content")
  key                    = "ha.example.com/addons/dns-controller.addons.k8s.io/k8s-1.12.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-fluent-bit-addons-kopsgen-io-k8s-1-32" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-fluent-bit.addons.kopsgen.io-k8s-1.32_content")
  key                    = "ha.example.com/addons/fluent-bit.addons.kopsgen.io/k8s-1.32.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-gateway-api-addons-kopsgen-io-k8s-1-32" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-gateway-api.addons.kopsgen.io-k8s-1.32_content")
  key                    = "ha.example.com/addons/gateway-api.addons.kopsgen.io/k8s-1.32.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-headlamp-addons-kopsgen-io-k8s-1-32" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-headlamp.addons.kopsgen.io-k8s-1.32_content")
  key                    = "ha.example.com/addons/headlamp.addons.kopsgen.io/k8s-1.32.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-kops-controller-addons-k8s-io-k8s-1-16" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-kops-controller.addons.k8s.io-k8s-1.16_content")
  key                    = "ha.example.com/addons/kops-controller.addons.k8s.io/k8s-1.16.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-kube-state-metrics-addons-kopsgen-io-k8s-1-32" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-kube-state-metrics.addons.kopsgen.io-k8s-1.32_content")
  key                    = "ha.example.com/addons/kube-state-metrics.addons.kopsgen.io/k8s-1.32.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-kubelet-api-rbac-addons-k8s-io-k8s-1-9" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-kubelet-api.rbac.addons.k8s.io-k8s-1.9_content")
  key                    = "ha.example.com/addons/kubelet-api.rbac.addons.k8s.io/k8s-1.9.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-limit-range-addons-k8s-io" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-limit-range.addons.k8s.io_content")
  key                    = "ha.example.com/addons/limit-range.addons.k8s.io/v1.5.0.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-networking-projectcalico-org-k8s-1-25" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-networking.projectcalico.org-k8s-1.25_content")
  key                    = "ha.example.com/addons/networking.projectcalico.org/k8s-1.25.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-nginx-gateway-fabric-addons-kopsgen-io-k8s-1-32" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-nginx-gateway-fabric.addons.kopsgen.io-k8s-1.32_content")
  key                    = "ha.example.com/addons/nginx-gateway-fabric.addons.kopsgen.io/k8s-1.32.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-node-exporter-addons-kopsgen-io-k8s-1-32" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-node-exporter.addons.kopsgen.io-k8s-1.32_content")
  key                    = "ha.example.com/addons/node-exporter.addons.kopsgen.io/k8s-1.32.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-node-termination-handler-aws-k8s-1-11" {
  bucket                 = "my-kops-state-store"
  content                = replace(file("${path.module}/data/aws_s3_object_ha.example.com-addons-node-termination-handler.aws-k8s-1.11_content"), "@@kopsgen:nth-queue-url@@", aws_sqs_queue.ha-example-com-nth.url)
  key                    = "ha.example.com/addons/node-termination-handler.aws/k8s-1.11.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "ha-example-com-addons-storage-aws-addons-k8s-io-v1-15-0" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_ha.example.com-addons-storage-aws.addons.k8s.io-v1.15.0_content")
  key                    = "ha.example.com/addons/storage-aws.addons.k8s.io/v1.15.0.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "kops-version-txt" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_kops-version.txt_content")
  key                    = "ha.example.com/kops-version.txt"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-channels-kops-channels" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-channels-kops-channels_content")
  key                    = "ha.example.com/manifests/channels/kops-channels.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-events-control-plane-eu-west-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-events-control-plane-eu-west-1a_content")
  key                    = "ha.example.com/manifests/etcd/events-control-plane-eu-west-1a.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-events-control-plane-eu-west-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-events-control-plane-eu-west-1b_content")
  key                    = "ha.example.com/manifests/etcd/events-control-plane-eu-west-1b.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-events-control-plane-eu-west-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-events-control-plane-eu-west-1c_content")
  key                    = "ha.example.com/manifests/etcd/events-control-plane-eu-west-1c.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-main-control-plane-eu-west-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-main-control-plane-eu-west-1a_content")
  key                    = "ha.example.com/manifests/etcd/main-control-plane-eu-west-1a.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-main-control-plane-eu-west-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-main-control-plane-eu-west-1b_content")
  key                    = "ha.example.com/manifests/etcd/main-control-plane-eu-west-1b.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-etcdmanager-main-control-plane-eu-west-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-etcdmanager-main-control-plane-eu-west-1c_content")
  key                    = "ha.example.com/manifests/etcd/main-control-plane-eu-west-1c.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "manifests-static-kube-apiserver-healthcheck" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_manifests-static-kube-apiserver-healthcheck_content")
  key                    = "ha.example.com/manifests/static/kube-apiserver-healthcheck.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-control-plane-eu-west-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-control-plane-eu-west-1a_content")
  key                    = "ha.example.com/igconfig/control-plane/control-plane-eu-west-1a/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-control-plane-eu-west-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-control-plane-eu-west-1b_content")
  key                    = "ha.example.com/igconfig/control-plane/control-plane-eu-west-1b/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-control-plane-eu-west-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-control-plane-eu-west-1c_content")
  key                    = "ha.example.com/igconfig/control-plane/control-plane-eu-west-1c/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-nodes-eu-west-1a" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-nodes-eu-west-1a_content")
  key                    = "ha.example.com/igconfig/node/nodes-eu-west-1a/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-nodes-eu-west-1b" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-nodes-eu-west-1b_content")
  key                    = "ha.example.com/igconfig/node/nodes-eu-west-1b/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_s3_object" "nodeupconfig-nodes-eu-west-1c" {
  bucket                 = "my-kops-state-store"
  content                = file("${path.module}/data/aws_s3_object_nodeupconfig-nodes-eu-west-1c_content")
  key                    = "ha.example.com/igconfig/node/nodes-eu-west-1c/nodeupconfig.yaml"
  provider               = aws.files
  server_side_encryption = "AES256"
}

resource "aws_security_group" "api-elb-ha-example-com" {
  description = "Security group for api ELB"
  name        = "api-elb.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "api-elb.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_security_group" "bastion-elb-ha-example-com" {
  description = "Security group for bastion ELB"
  name        = "bastion-elb.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "bastion-elb.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_security_group" "bastion-ha-example-com" {
  description = "Security group for bastion"
  name        = "bastion.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "bastion.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_security_group" "masters-ha-example-com" {
  description = "Security group for masters"
  name        = "masters.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "masters.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_security_group" "nodes-ha-example-com" {
  description = "Security group for nodes"
  name        = "nodes.ha.example.com"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "nodes.ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_security_group_rule" "from-0-0-0-0--0-ingress-tcp-443to443-api-elb-ha-example-com" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "Kubernetes API from 0.0.0.0/0 (kubernetesApiAccess) to the API load balancer"
  from_port         = 443
  protocol          = "tcp"
  security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port           = 443
  type              = "ingress"
}

resource "aws_security_group_rule" "from-172-20-0-0--21-ingress-tcp-22to22-bastion-elb-ha-example-com" {
  cidr_blocks       = ["172.20.0.0/21"]
  description       = "SSH from 172.20.0.0/21 to the bastion load balancer"
  from_port         = 22
  protocol          = "tcp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 22
  type              = "ingress"
}

resource "aws_security_group_rule" "from-172-20-16-0--21-ingress-tcp-22to22-bastion-elb-ha-example-com" {
  cidr_blocks       = ["172.20.16.0/21"]
  description       = "SSH from 172.20.16.0/21 to the bastion load balancer"
  from_port         = 22
  protocol          = "tcp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 22
  type              = "ingress"
}

resource "aws_security_group_rule" "from-172-20-8-0--21-ingress-tcp-22to22-bastion-elb-ha-example-com" {
  cidr_blocks       = ["172.20.8.0/21"]
  description       = "SSH from 172.20.8.0/21 to the bastion load balancer"
  from_port         = 22
  protocol          = "tcp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 22
  type              = "ingress"
}

resource "aws_security_group_rule" "from-203-0-113-0--24-ingress-tcp-22to22-bastion-elb-ha-example-com" {
  cidr_blocks       = ["203.0.113.0/24"]
  description       = "SSH from 203.0.113.0/24 to the bastion load balancer"
  from_port         = 22
  protocol          = "tcp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 22
  type              = "ingress"
}

resource "aws_security_group_rule" "from-__--0-ingress-tcp-443to443-api-elb-ha-example-com" {
  description       = "Kubernetes API from ::/0 (kubernetesApiAccess) to the API load balancer"
  from_port         = 443
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "tcp"
  security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port           = 443
  type              = "ingress"
}

resource "aws_security_group_rule" "from-api-elb-ha-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the API load balancer"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-api-elb-ha-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the API load balancer"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-bastion-elb-ha-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the bastion load balancer"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-bastion-elb-ha-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the bastion load balancer"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-bastion-elb-ha-example-com-ingress-icmp-3to4-bastion-ha-example-com" {
  description              = "ICMP unreachable from the bastion load balancer to the bastion, for path MTU discovery"
  from_port                = 3
  protocol                 = "icmp"
  security_group_id        = aws_security_group.bastion-ha-example-com.id
  source_security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port                  = 4
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-bastion-elb-ha-example-com-ingress-tcp-22to22-bastion-ha-example-com" {
  description              = "SSH from the bastion load balancer to the bastion"
  from_port                = 22
  protocol                 = "tcp"
  security_group_id        = aws_security_group.bastion-ha-example-com.id
  source_security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port                  = 22
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-bastion-ha-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the bastion"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.bastion-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-bastion-ha-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the bastion"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.bastion-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-bastion-ha-example-com-ingress-icmp-3to4-bastion-elb-ha-example-com" {
  description              = "ICMP unreachable from the bastion to the bastion load balancer, for path MTU discovery"
  from_port                = 3
  protocol                 = "icmp"
  security_group_id        = aws_security_group.bastion-elb-ha-example-com.id
  source_security_group_id = aws_security_group.bastion-ha-example-com.id
  to_port                  = 4
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-bastion-ha-example-com-ingress-tcp-22to22-masters-ha-example-com" {
  description              = "SSH from the bastion to the control plane"
  from_port                = 22
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.bastion-ha-example-com.id
  to_port                  = 22
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-bastion-ha-example-com-ingress-tcp-22to22-nodes-ha-example-com" {
  description              = "SSH from the bastion to the nodes"
  from_port                = 22
  protocol                 = "tcp"
  security_group_id        = aws_security_group.nodes-ha-example-com.id
  source_security_group_id = aws_security_group.bastion-ha-example-com.id
  to_port                  = 22
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-masters-ha-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the control plane"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.masters-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-masters-ha-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the control plane"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.masters-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-masters-ha-example-com-ingress-all-0to0-masters-ha-example-com" {
  description              = "all traffic from the control plane to the control plane"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.masters-ha-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-masters-ha-example-com-ingress-all-0to0-nodes-ha-example-com" {
  description              = "all traffic from the control plane to the nodes"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.nodes-ha-example-com.id
  source_security_group_id = aws_security_group.masters-ha-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-egress-all-0to0-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "all outbound IPv4 traffic from the nodes"
  from_port         = 0
  protocol          = "-1"
  security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-egress-all-0to0-__--0" {
  description       = "all outbound IPv6 traffic from the nodes"
  from_port         = 0
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "-1"
  security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port           = 0
  type              = "egress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-ingress-4-0to0-masters-ha-example-com" {
  description              = "IP-in-IP (protocol 4) from the nodes to the control plane, the calico overlay"
  from_port                = 0
  protocol                 = "4"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 65535
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-ingress-all-0to0-nodes-ha-example-com" {
  description              = "all traffic from the nodes to the nodes"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.nodes-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-ingress-tcp-1to2379-masters-ha-example-com" {
  description              = "TCP 1-2379 from the nodes to the control plane; etcd ports stay closed to nodes"
  from_port                = 1
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 2379
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-ingress-tcp-2382to4000-masters-ha-example-com" {
  description              = "TCP 2382-4000 from the nodes to the control plane; etcd ports stay closed to nodes"
  from_port                = 2382
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 4000
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-ingress-tcp-4003to65535-masters-ha-example-com" {
  description              = "TCP 4003-65535 from the nodes to the control plane; etcd ports stay closed to nodes"
  from_port                = 4003
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 65535
  type                     = "ingress"
}

resource "aws_security_group_rule" "from-nodes-ha-example-com-ingress-udp-1to65535-masters-ha-example-com" {
  description              = "all UDP from the nodes to the control plane"
  from_port                = 1
  protocol                 = "udp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 65535
  type                     = "ingress"
}

resource "aws_security_group_rule" "https-elb-to-master" {
  description              = "Kubernetes API from the API load balancer to the control plane"
  from_port                = 443
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port                  = 443
  type                     = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-api-elb-0-0-0-0--0" {
  cidr_blocks       = ["0.0.0.0/0"]
  description       = "ICMP unreachable from 0.0.0.0/0 to the API load balancer, for path MTU discovery"
  from_port         = 3
  protocol          = "icmp"
  security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port           = 4
  type              = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-cp-to-elb" {
  description              = "ICMP unreachable from the control plane to the API load balancer, for path MTU discovery"
  from_port                = 3
  protocol                 = "icmp"
  security_group_id        = aws_security_group.api-elb-ha-example-com.id
  source_security_group_id = aws_security_group.masters-ha-example-com.id
  to_port                  = 4
  type                     = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-elb-to-cp" {
  description              = "ICMP unreachable from the API load balancer to the control plane, for path MTU discovery"
  from_port                = 3
  protocol                 = "icmp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port                  = 4
  type                     = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-ssh-nlb-172-20-0-0--21" {
  cidr_blocks       = ["172.20.0.0/21"]
  description       = "ICMP unreachable from 172.20.0.0/21 to the bastion load balancer, for path MTU discovery"
  from_port         = 3
  protocol          = "icmp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 4
  type              = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-ssh-nlb-172-20-16-0--21" {
  cidr_blocks       = ["172.20.16.0/21"]
  description       = "ICMP unreachable from 172.20.16.0/21 to the bastion load balancer, for path MTU discovery"
  from_port         = 3
  protocol          = "icmp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 4
  type              = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-ssh-nlb-172-20-8-0--21" {
  cidr_blocks       = ["172.20.8.0/21"]
  description       = "ICMP unreachable from 172.20.8.0/21 to the bastion load balancer, for path MTU discovery"
  from_port         = 3
  protocol          = "icmp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 4
  type              = "ingress"
}

resource "aws_security_group_rule" "icmp-pmtu-ssh-nlb-203-0-113-0--24" {
  cidr_blocks       = ["203.0.113.0/24"]
  description       = "ICMP unreachable from 203.0.113.0/24 to the bastion load balancer, for path MTU discovery"
  from_port         = 3
  protocol          = "icmp"
  security_group_id = aws_security_group.bastion-elb-ha-example-com.id
  to_port           = 4
  type              = "ingress"
}

resource "aws_security_group_rule" "icmpv6-pmtu-api-elb-__--0" {
  description       = "ICMPv6 from ::/0 to the API load balancer, for path MTU discovery"
  from_port         = 2
  ipv6_cidr_blocks  = ["::/0"]
  protocol          = "icmpv6"
  security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port           = 0
  type              = "ingress"
}

resource "aws_security_group_rule" "kops-controller-elb-to-cp" {
  description              = "kops-controller (3988) from the API load balancer to the control plane"
  from_port                = 3988
  protocol                 = "tcp"
  security_group_id        = aws_security_group.masters-ha-example-com.id
  source_security_group_id = aws_security_group.api-elb-ha-example-com.id
  to_port                  = 3988
  type                     = "ingress"
}

resource "aws_security_group_rule" "node-to-elb" {
  description              = "all traffic from the nodes to the API load balancer (kops-controller, API)"
  from_port                = 0
  protocol                 = "-1"
  security_group_id        = aws_security_group.api-elb-ha-example-com.id
  source_security_group_id = aws_security_group.nodes-ha-example-com.id
  to_port                  = 0
  type                     = "ingress"
}

resource "aws_sqs_queue" "ha-example-com-nth" {
  message_retention_seconds = 300
  name                      = "ha-example-com-nth"
  policy                    = file("${path.module}/data/aws_sqs_queue_ha-example-com-nth_policy")
  sqs_managed_sse_enabled   = true
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha-example-com-nth"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_subnet" "eu-west-1a-ha-example-com" {
  availability_zone                           = "eu-west-1a"
  cidr_block                                  = "172.20.64.0/18"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1a.ha.example.com"
    "SubnetType"                           = "Private"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/role/internal-elb"      = "1"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_subnet" "eu-west-1b-ha-example-com" {
  availability_zone                           = "eu-west-1b"
  cidr_block                                  = "172.20.128.0/18"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1b.ha.example.com"
    "SubnetType"                           = "Private"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/role/internal-elb"      = "1"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_subnet" "eu-west-1c-ha-example-com" {
  availability_zone                           = "eu-west-1c"
  cidr_block                                  = "172.20.192.0/18"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "eu-west-1c.ha.example.com"
    "SubnetType"                           = "Private"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/role/internal-elb"      = "1"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_subnet" "utility-eu-west-1a-ha-example-com" {
  availability_zone                           = "eu-west-1a"
  cidr_block                                  = "172.20.0.0/21"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "utility-eu-west-1a.ha.example.com"
    "SubnetType"                           = "Utility"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/role/elb"               = "1"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_subnet" "utility-eu-west-1b-ha-example-com" {
  availability_zone                           = "eu-west-1b"
  cidr_block                                  = "172.20.8.0/21"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "utility-eu-west-1b.ha.example.com"
    "SubnetType"                           = "Utility"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/role/elb"               = "1"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_subnet" "utility-eu-west-1c-ha-example-com" {
  availability_zone                           = "eu-west-1c"
  cidr_block                                  = "172.20.16.0/21"
  enable_resource_name_dns_a_record_on_launch = true
  private_dns_hostname_type_on_launch         = "resource-name"
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "utility-eu-west-1c.ha.example.com"
    "SubnetType"                           = "Utility"
    "kubernetes.io/cluster/ha.example.com" = "owned"
    "kubernetes.io/role/elb"               = "1"
  }
  vpc_id = aws_vpc.ha-example-com.id
}

resource "aws_vpc" "ha-example-com" {
  assign_generated_ipv6_cidr_block = true
  cidr_block                       = "172.20.0.0/16"
  enable_dns_hostnames             = true
  enable_dns_support               = true
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_vpc_dhcp_options" "ha-example-com" {
  domain_name         = "eu-west-1.compute.internal"
  domain_name_servers = ["AmazonProvidedDNS"]
  tags = {
    "KubernetesCluster"                    = "ha.example.com"
    "Name"                                 = "ha.example.com"
    "kubernetes.io/cluster/ha.example.com" = "owned"
  }
}

resource "aws_vpc_dhcp_options_association" "ha-example-com" {
  dhcp_options_id = aws_vpc_dhcp_options.ha-example-com.id
  vpc_id          = aws_vpc.ha-example-com.id
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
